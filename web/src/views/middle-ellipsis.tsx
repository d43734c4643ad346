// A long name cut in the middle ("Photos/2024/…/IMG_0042.jpg" keeps its end, where names differ):
// the whole text stays in the DOM (screen readers and search read all of it), the title shows it
// on hover, and focusing it (Tab) unfolds it in place.
const TAIL_CHARS = 14;

export function MiddleEllipsis({ text, className }: { text: string; className?: string }) {
  const cut = text.length > TAIL_CHARS * 2 ? text.length - TAIL_CHARS : text.length;
  return (
    <span className={className ? `mid-ellipsis ${className}` : 'mid-ellipsis'} title={text} tabIndex={0} data-full={text}>
      <span className="mid-head">{text.slice(0, cut)}</span>
      {cut < text.length && <span className="mid-tail">{text.slice(cut)}</span>}
    </span>
  );
}
