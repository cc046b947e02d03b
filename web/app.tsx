// The page around every view: header with navigation, live indicator, notifications and the
// person's name; the view the address asks for (and the role allows); toasts and the shortcut
// dialog.
import { useEffect, useRef, useState } from 'preact/hooks'
import { describe, whenUnauthorized } from './api'
import type { Me } from './api-types'
import { Admin } from './admin/admin'
import { CaseView, type BackLink } from './case/case-view'
import { readHealth, type Health } from './health'
import { HandoffsPage } from './handoff/handoffs-page'
import { forgetInbox, Inbox } from './inbox/inbox'
import { useKeys } from './keyboard'
import { startLive, stopLive, useLiveState } from './live'
import { Bell } from './notifications'
import { navigate, useRoute, type Route } from './router'
import { can, loadMe, LogIn, logOut, MeContext } from './session'
import { ShortcutsDialog } from './shortcuts-dialog'
import { SpikeBanner } from './spike-banner'
import { toast, Toasts } from './toast'
import { Trends } from './trends'
import { forgetUsers } from './users'

type Session = { state: 'loading' } | { state: 'anonymous' } | { state: 'in'; me: Me } | { state: 'error'; error: string }

function homeOf(me: Me): string {
  if (me.role === 'executive') return '/handoffs'
  if (can.readCases(me.role)) return '/inbox'
  if (can.trends(me.role)) return '/trends'
  return '/inbox'
}

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' })
  const check = () =>
    loadMe().then(
      (me) => setSession(me ? { state: 'in', me } : { state: 'anonymous' }),
      (error: unknown) => setSession({ state: 'error', error: describe(error) }),
    )
  useEffect(() => {
    void check()
    whenUnauthorized(() => {
      stopLive()
      setSession({ state: 'anonymous' })
    })
  }, [])

  if (session.state === 'loading') {
    return (
      <main id="main" class="centered">
        <p>Loading Earshot…</p>
      </main>
    )
  }
  if (session.state === 'error') {
    return (
      <main id="main" class="centered">
        <div class="notice bad" role="alert">
          <p>Earshot did not answer: {session.error}</p>
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </div>
      </main>
    )
  }
  if (session.state === 'anonymous') {
    return (
      <>
        <LogIn onDone={(me) => setSession({ state: 'in', me })} />
        <Toasts />
      </>
    )
  }
  return (
    <MeContext.Provider value={session.me}>
      <Shell
        me={session.me}
        onLogOut={async () => {
          stopLive()
          forgetUsers()
          forgetInbox()
          await logOut()
          setSession({ state: 'anonymous' })
          history.replaceState(null, '', '#/')
        }}
      />
    </MeContext.Provider>
  )
}

function Shell({ me, onLogOut }: { me: Me; onLogOut: () => void }) {
  const route = useRoute()
  const [help, setHelp] = useState(false)
  const lastInbox = useRef('/inbox')
  const lastTrends = useRef('/trends')
  if (route.page === 'inbox') {
    const search = route.params.toString()
    lastInbox.current = `/inbox${search ? `?${search}` : ''}`
  }
  // The Trends page keeps its filters in the address; a case opened from it goes back to them.
  if (route.page === 'trends') lastTrends.current = location.hash.replace(/^#/, '')
  // Care goes back from a case to its inbox; marketing, which has none, to Trends.
  const back: BackLink = can.readCases(me.role) ? { hash: lastInbox.current, label: 'Inbox' } : { hash: lastTrends.current, label: 'Trends' }

  useEffect(() => {
    if (can.readCases(me.role)) startLive()
    return () => stopLive()
  }, [me.role])
  useEffect(() => {
    if (route.page === 'home') navigate(homeOf(me), { replace: true })
  }, [route.page])
  useKeys({
    '?': () => setHelp(true),
  })

  return (
    <>
      <a class="skip" href="#main" onClick={(event) => {
        event.preventDefault()
        document.getElementById('main')?.focus()
      }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={`#${homeOf(me)}`}>
          Earshot
        </a>
        <nav aria-label="Main">
          <ul>
            {can.readCases(me.role) && <NavLink href={`#${lastInbox.current}`} current={route.page === 'inbox' || route.page === 'case'} label="Inbox" />}
            {can.handoffs(me.role) && <NavLink href="#/handoffs" current={route.page === 'handoffs'} label="Handoffs" testid="nav-handoffs" />}
            {can.trends(me.role) && <NavLink href="#/trends" current={route.page === 'trends' || (route.page === 'case' && back.label === 'Trends')} label="Trends" />}
            {can.admin(me.role) && <NavLink href="#/admin/users" current={route.page === 'admin'} label="Admin" testid="nav-admin" />}
          </ul>
        </nav>
        <div class="header-tools">
          {can.readCases(me.role) && <LiveIndicator />}
          <Bell />
          <button type="button" class="icon-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="help" onClick={() => setHelp(true)}>
            ?
          </button>
          <span class="who" data-testid="me">
            {me.name} <small class="muted">{me.role}</small>
          </span>
          <button type="button" class="small" data-testid="logout" onClick={onLogOut}>
            Log out
          </button>
        </div>
      </header>
      <SpikeBanner />
      <main id="main" tabIndex={-1}>
        <Page route={route} me={me} back={back} />
      </main>
      <Footer />
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
      <Toasts />
    </>
  )
}

function NavLink({ href, current, label, testid }: { href: string; current: boolean; label: string; testid?: string }) {
  return (
    <li>
      <a href={href} aria-current={current ? 'page' : undefined} data-testid={testid}>
        {label}
      </a>
    </li>
  )
}

function Page({ route, me, back }: { route: Route; me: Me; back: BackLink }) {
  const denied = (what: string) => (
    <div class="notice" role="alert">
      <p>Your role ({me.role}) cannot see {what}.</p>
    </div>
  )
  switch (route.page) {
    case 'inbox':
      return can.readCases(me.role) ? <Inbox params={route.params} /> : can.trends(me.role) ? <Trends /> : denied('the inbox')
    case 'case':
      return can.readCase(me.role) ? <CaseView id={route.id} back={back} /> : denied('cases')
    case 'admin':
      return can.admin(me.role) ? <Admin tab={route.tab} /> : denied('the admin pages')
    case 'handoffs':
      return can.handoffs(me.role) ? <HandoffsPage /> : denied('the handoffs')
    case 'trends':
      return can.trends(me.role) ? <Trends /> : denied('trends')
    case 'home':
      return null
  }
}

function LiveIndicator() {
  const state = useLiveState()
  const label = { off: 'Offline', connecting: 'Connecting…', live: 'Live', polling: 'Refreshing every 30 s' }[state]
  return (
    <span class={`live live-${state}`} data-testid="live-indicator" data-state={state} title={state === 'polling' ? 'Live updates are not available; the inbox refreshes every 30 seconds.' : label}>
      <span class="dot" aria-hidden="true" />
      {label}
    </span>
  )
}

function Footer() {
  const [health, setHealth] = useState<Health | null>(null)
  useEffect(() => {
    readHealth().then(setHealth, () => toast('The health check did not answer.', 'bad'))
  }, [])
  if (!health) return null
  return (
    <footer class="foot">
      Service {health.status} · {health.runtime} · schema {health.database.migration?.version ?? 'none'}
    </footer>
  )
}
