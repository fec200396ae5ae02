import { lazy, Suspense, useEffect } from 'react';
import { Header } from './components/Header';
import { Loading } from './components/Status';
import Activity from './pages/Activity';
import Home from './pages/Home';
import MyList from './pages/MyList';
import Profiles from './pages/Profiles';
import Search from './pages/Search';
import SignIn from './pages/SignIn';
import SignUp from './pages/SignUp';
import Title from './pages/Title';
import { matchRoute, navigate, useHref, type Route } from './router';
import { useSession, type SessionSnapshot } from './session';
import './styles/base.css';

// The player (and Shaka Player with it) loads only when a viewer presses play.
const Watch = lazy(() => import('./pages/Watch'));
const Operations = lazy(() => import('./pages/Operations'));
const ExperimentList = lazy(() => import('./pages/Experiments').then((m) => ({ default: m.ExperimentList })));
const ExperimentResults = lazy(() => import('./pages/Experiments').then((m) => ({ default: m.ExperimentResults })));
const StudioJobs = lazy(() => import('./pages/Studio').then((m) => ({ default: m.StudioJobs })));
const StudioVideoPage = lazy(() => import('./pages/Studio').then((m) => ({ default: m.StudioVideoPage })));

type Need = 'nothing' | 'account' | 'profile';

function need(route: Route): Need {
  switch (route.name) {
    case 'signin':
    case 'signup':
      return 'nothing';
    case 'profiles':
    case 'studio':
    case 'studioVideo':
    case 'ops':
      return 'account';
    default:
      return 'profile';
  }
}

/** Where to send someone who may not see `route` yet; null when they may. */
function guard(route: Route, s: SessionSnapshot): string | null {
  const n = need(route);
  if (n === 'nothing') return null;
  if (!s.accountToken && !s.profileToken) return '/signin';
  if (n === 'profile' && !s.profileToken) return '/profiles';
  return null;
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'signin':
      return <SignIn expired={new URLSearchParams(location.search).has('expired')} />;
    case 'signup':
      return <SignUp />;
    case 'profiles':
      return <Profiles />;
    case 'home':
      return <Home />;
    case 'title':
      return <Title key={route.id} id={route.id} />;
    case 'search':
      return <Search q={route.q} />;
    case 'mylist':
      return <MyList />;
    case 'activity':
      return <Activity />;
    case 'watch':
      return (
        <Suspense fallback={<div className="watch"><Loading /></div>}>
          <Watch key={route.videoId} videoId={route.videoId} titleId={route.titleId} />
        </Suspense>
      );
    case 'experiments':
      return (
        <Suspense fallback={<Loading />}>
          <ExperimentList />
        </Suspense>
      );
    case 'experiment':
      return (
        <Suspense fallback={<Loading />}>
          <ExperimentResults key={route.id} id={route.id} />
        </Suspense>
      );
    case 'studio':
      return (
        <Suspense fallback={<Loading />}>
          <StudioJobs />
        </Suspense>
      );
    case 'studioVideo':
      return (
        <Suspense fallback={<Loading />}>
          <StudioVideoPage key={route.id} id={route.id} />
        </Suspense>
      );
    case 'ops':
      return (
        <Suspense fallback={<Loading />}>
          <Operations />
        </Suspense>
      );
    case 'notfound':
      return (
        <div className="page center">
          <h1>Page not found</h1>
          <button className="btn" onClick={() => navigate('/')}>
            Go Home
          </button>
        </div>
      );
  }
}

export function App() {
  const href = useHref();
  const s = useSession();
  const route = matchRoute(href);
  const redirect = guard(route, s);

  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  useEffect(() => {
    const names: Partial<Record<Route['name'], string>> = {
      signin: 'Sign in',
      signup: 'Sign up',
      profiles: 'Who’s watching?',
      search: 'Search',
      mylist: 'My List',
      activity: 'Viewing activity',
      experiments: 'Experiments',
      experiment: 'Experiment results',
      ops: 'Operations',
      studio: 'Studio',
      studioVideo: 'Quality control and ladder',
      watch: 'Watching',
    };
    document.title = names[route.name] ? `${names[route.name]} · Marquee` : 'Marquee';
  }, [route.name]);

  if (redirect) return null;
  const withHeader = need(route) === 'profile' && route.name !== 'watch';
  return (
    <>
      {withHeader && <Header />}
      <Page route={route} />
    </>
  );
}
