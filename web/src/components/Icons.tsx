// Inline icons: emoji and symbol glyphs are missing from many fonts (and from headless Chromium).

const svg = (d: string, label?: string) => (
  <svg viewBox="0 0 24 24" width="1.1em" height="1.1em" fill="currentColor" aria-hidden={label ? undefined : true}>
    <path d={d} />
  </svg>
);

export const PlayIcon = () => svg('M7 4.5v15l12.5-7.5z');
export const InfoIcon = () =>
  svg('M12 2a10 10 0 100 20 10 10 0 000-20zm0 2a8 8 0 110 16 8 8 0 010-16zm-1 7v6h2v-6h-2zm0-4v2h2V7h-2z');
export const PlusIcon = () => svg('M11 4h2v7h7v2h-7v7h-2v-7H4v-2h7z');
export const CheckIcon = () => svg('M9 16.2l-4.2-4.2-1.4 1.4L9 19 21 7l-1.4-1.4z');
export const ThumbUpIcon = () =>
  svg('M2 21h4V9H2v12zm20-11a2 2 0 00-2-2h-6.3l1-4.6v-.3a1.5 1.5 0 00-.5-1.1L13.2 1 6.6 7.6A2 2 0 006 9v10a2 2 0 002 2h9a2 2 0 001.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z');
export const ThumbDownIcon = () =>
  svg('M22 3h-4v12h4V3zM2 14a2 2 0 002 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1L10.8 23l6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 00-2-2H7a2 2 0 00-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z');
export const HeartIcon = () =>
  svg('M12 21.4l-1.5-1.3C5.4 15.4 2 12.3 2 8.5 2 5.4 4.4 3 7.5 3c1.7 0 3.4.8 4.5 2.1C13.1 3.8 14.8 3 16.5 3 19.6 3 22 5.4 22 8.5c0 3.8-3.4 6.9-8.5 11.5L12 21.4z');
export const BackIcon = () => svg('M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z');
export const ChevronLeftIcon = () => svg('M15.4 7.4L14 6l-6 6 6 6 1.4-1.4L10.8 12z');
export const ChevronRightIcon = () => svg('M8.6 16.6L10 18l6-6-6-6-1.4 1.4 4.6 4.6z');
export const ChevronUpIcon = () => svg('M7.4 15.4L6 14l6-6 6 6-1.4 1.4-4.6-4.6z');
export const ChevronDownIcon = () => svg('M16.6 8.6L18 10l-6 6-6-6 1.4-1.4 4.6 4.6z');
export const CloseIcon = () =>
  svg('M19 6.4L17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z');
