import type { Profile } from '../types';

const COLORS = ['#e50914', '#2f80ed', '#27ae60', '#f2994a', '#9b51e0', '#eb5757', '#00a8a8', '#d4a017'];

function colorFor(key: string): string {
  let h = 0;
  for (const ch of key) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLORS[h % COLORS.length]!;
}

export function Avatar({ profile, size }: { profile: Pick<Profile, 'id' | 'name' | 'avatarUrl'>; size?: number }) {
  const style = { background: colorFor(profile.id || profile.name), ...(size ? { width: size, height: size } : {}) };
  return (
    <span className="avatar" style={style} aria-hidden="true">
      {profile.avatarUrl ? <img src={profile.avatarUrl} alt="" /> : (profile.name.trim()[0] ?? '?').toUpperCase()}
    </span>
  );
}
