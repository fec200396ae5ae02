import { pieces, type Range } from '../search';

/** Text with the parts that matched the search marked. */
export function Highlighted({ text, ranges }: { text: string; ranges?: Range[] }) {
  return (
    <>
      {pieces(text, ranges).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
