import { useCallback, useEffect, useRef, useState } from 'react';
import { BackIcon, PlayIcon } from '../components/Icons';
import { goBack, navigate, titleHref, watchHref } from '../router';
import { PlaybackController, type PlayerState } from '../player/controller';
import type { PlayerError } from '../player/errors';
import type { ShakaPlayer } from '../player/shaka';
import { PlayerErrorPanel } from '../player/PlayerErrorPanel';
import { SeekBar } from '../player/SeekBar';
import { StatsOverlay } from '../player/StatsOverlay';
import { AudioSelect } from '../player/AudioSelect';
import { SubtitlesSelect } from '../player/SubtitlesSelect';
import { loadThumbnails, type ThumbnailCue } from '../player/trickplay';
import { useTitleInfo } from '../player/useTitleInfo';
import '../styles/player.css';

export default function Watch({ videoId, titleId }: { videoId: string; titleId: string | null }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const ctl = useRef<PlaybackController | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<PlayerState>('loading');
  const [error, setError] = useState<PlayerError | null>(null);
  const [buffering, setBuffering] = useState(false);
  const [player, setPlayer] = useState<ShakaPlayer | null>(null);
  const [started, setStarted] = useState(false);
  const [requested, setRequested] = useState(false);
  const [ended, setEnded] = useState(false);
  const [stats, setStats] = useState(false);
  const [idle, setIdle] = useState(false);
  const [thumbnails, setThumbnails] = useState<ThumbnailCue[]>([]);
  const info = useTitleInfo(titleId, videoId);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    setState('loading');
    setError(null);
    setStarted(false);
    setRequested(false);
    setEnded(false);
    setBuffering(false);
    const c = new PlaybackController(video, videoId, {
      state: (s) => {
        setState(s);
        if (s === 'playing') {
          setStarted(true);
          setEnded(false);
        }
      },
      error: setError,
      buffering: setBuffering,
      ended: () => setEnded(true),
      player: setPlayer,
      thumbnails: (url) => {
        setThumbnails([]);
        void loadThumbnails(url).then((cues) => ctl.current === c && setThumbnails(cues));
      },
    });
    ctl.current = c;
    void c.start();
    return () => {
      ctl.current = null;
      void c.destroy();
    };
  }, [videoId, attempt]);

  // Back from the bfcache: the session was stopped on pagehide, so open a new one.
  useEffect(() => {
    const onShow = (e: PageTransitionEvent) => e.persisted && setAttempt((a) => a + 1);
    window.addEventListener('pageshow', onShow);
    return () => window.removeEventListener('pageshow', onShow);
  }, []);

  const play = useCallback(() => {
    setRequested(true);
    ctl.current?.play();
  }, []);

  const leave = useCallback(() => goBack(titleId ? titleHref(titleId) : '/'), [titleId]);

  // Keyboard: space/k play-pause, i stats, Escape back.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === 'i') setStats((v) => !v);
      else if (e.key === 'Escape' && !document.fullscreenElement) leave();
      else if ((e.key === ' ' || e.key === 'k') && !(e.target instanceof HTMLButtonElement)) {
        e.preventDefault();
        if (started) ctl.current?.toggle();
        else play();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [started, play, leave]);

  // Hide the top bar while the mouse rests during playback.
  useEffect(() => {
    if (state !== 'playing') return setIdle(false);
    let t = setTimeout(() => setIdle(true), 3000);
    const wake = () => {
      setIdle(false);
      clearTimeout(t);
      t = setTimeout(() => setIdle(true), 3000);
    };
    window.addEventListener('mousemove', wake);
    window.addEventListener('touchstart', wake);
    return () => {
      clearTimeout(t);
      window.removeEventListener('mousemove', wake);
      window.removeEventListener('touchstart', wake);
    };
  }, [state]);

  const heading = info?.title.name ?? '';
  const sub = info?.current ? `S${info.current.season}:E${info.current.episode.number} ${info.current.episode.name}` : '';
  const showPlay = !started && state !== 'error';
  const pending = requested && state === 'loading';

  return (
    <main className={`watch${idle ? ' idle' : ''}`} data-testid="watch-page">
      <video
        key={`${videoId}:${attempt}`}
        ref={videoRef}
        data-testid="video"
        playsInline
        preload="auto"
        controls={started && state !== 'error'}
        onClick={() => started && ctl.current?.toggle()}
      />

      <div className="watch-top">
        <button className="btn btn-ghost btn-icon" aria-label="Back" data-testid="player-back" onClick={leave}>
          <BackIcon />
        </button>
        <div className="watch-title">
          {heading}
          {sub && <small>{sub}</small>}
        </div>
        <span className="spacer" />
        <span className="state-badge" data-testid="player-state" data-state={state} aria-live="polite">
          {state}
        </span>
        <AudioSelect player={player} />
        <SubtitlesSelect player={player} />
        <button
          className="btn btn-ghost"
          data-testid="stats-toggle"
          aria-pressed={stats}
          onClick={() => setStats((v) => !v)}
        >
          Stats
        </button>
      </div>

      {started && state !== 'error' && videoRef.current && <SeekBar video={videoRef.current} thumbnails={thumbnails} />}

      {stats && <StatsOverlay player={player} video={videoRef.current} />}

      <div className="overlay">
        {state === 'error' && error ? (
          <PlayerErrorPanel error={error} onRetry={() => setAttempt((a) => a + 1)} onBack={leave} />
        ) : showPlay ? (
          <div>
            <button
              className={`big-play${pending ? ' pending' : ''}`}
              data-testid="play-button"
              aria-label={pending ? 'Starting…' : 'Play'}
              onClick={play}
            >
              {pending ? <div className="spinner" /> : <PlayIcon />}
            </button>
            <div className="play-hint">{state === 'loading' ? (pending ? 'Starting…' : 'Preparing…') : 'Ready'}</div>
          </div>
        ) : buffering && state === 'playing' ? (
          <div className="spinner buffering" data-testid="buffering" />
        ) : null}
      </div>

      {ended && state !== 'error' && (
        <div className="next-up">
          {info?.next?.episode.videoId ? (
            <button
              className="btn btn-light"
              data-testid="next-episode"
              onClick={() => navigate(watchHref(info.next!.episode.videoId!, titleId), { replace: true })}
            >
              <PlayIcon /> Next episode: {info.next.episode.name}
            </button>
          ) : (
            <button className="btn btn-light" onClick={leave}>
              Back to browse
            </button>
          )}
        </div>
      )}
    </main>
  );
}
