// Type declarations for sodium-native's BLAKE2b (crypto_generichash), merged into the module
// declared in src/crypt/sodium-native.d.ts; the package ships none.
declare module 'sodium-native' {
  export function crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  export function crypto_generichash_init(state: Uint8Array, key: Uint8Array | null, outLength: number): void;
  export function crypto_generichash_update(state: Uint8Array, input: Uint8Array): void;
  export function crypto_generichash_final(state: Uint8Array, out: Uint8Array): void;
  export const crypto_generichash_STATEBYTES: number;
}
