// Type declarations for the part of sodium-native that the crypt layer uses (the package ships none).
declare module 'sodium-native' {
  export function crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  export function crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
  export function randombytes_buf(buf: Uint8Array): void;
  export const crypto_secretbox_MACBYTES: number;
  export const crypto_secretbox_NONCEBYTES: number;
  export const crypto_secretbox_KEYBYTES: number;
}
