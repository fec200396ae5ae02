import type { TitleSummary } from '../types';
import { TitleCard } from './TitleCard';

export function TitleGrid({ items, empty }: { items: TitleSummary[]; empty: string }) {
  if (items.length === 0) return <p className="empty">{empty}</p>;
  return (
    <div className="grid" data-testid="title-grid">
      {items.map((item) => (
        <TitleCard key={item.id} item={item} />
      ))}
    </div>
  );
}
