import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { type CaseSummary, logIn, logOut, NotLoggedIn, readCases } from './cases'
import { type Health, readHealth } from './health'

type View = { state: 'loading' } | { state: 'login'; error?: string } | { state: 'cases'; cases: CaseSummary[] } | { state: 'error'; error: string }

function App() {
  const [view, setView] = useState<View>({ state: 'loading' })
  const load = () =>
    readCases().then(
      (cases) => setView({ state: 'cases', cases }),
      (error: unknown) => setView(error instanceof NotLoggedIn ? { state: 'login' } : { state: 'error', error: String(error) }),
    )
  useEffect(() => {
    void load()
    // Until the live inbox arrives, the queue refreshes itself every 15 seconds.
    const timer = setInterval(() => void load(), 15_000)
    return () => clearInterval(timer)
  }, [])

  return (
    <>
      <header>
        <h1>Earshot</h1>
        {view.state === 'cases' && (
          <button type="button" onClick={() => void logOut().then(() => setView({ state: 'login' }))}>
            Log out
          </button>
        )}
      </header>
      {view.state === 'loading' && <p>Loading…</p>}
      {view.state === 'error' && <p class="bad">The server did not answer: {view.error}</p>}
      {view.state === 'login' && <LogIn error={view.error} onDone={(error) => (error ? setView({ state: 'login', error }) : void load())} />}
      {view.state === 'cases' && <Cases cases={view.cases} />}
      <Status />
    </>
  )
}

function LogIn({ error, onDone }: { error?: string; onDone: (error: string | null) => void }) {
  const [email, setEmail] = useState('agent@earshot.example')
  const [password, setPassword] = useState('')
  return (
    <form
      class="login"
      onSubmit={(event) => {
        event.preventDefault()
        void logIn(email, password).then(onDone)
      }}
    >
      <label>
        Email <input type="email" autocomplete="username" required value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
      </label>
      <label>
        Password <input type="password" autocomplete="current-password" required value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
      </label>
      {error && <p class="bad" role="alert">{error}</p>}
      <button type="submit">Log in</button>
    </form>
  )
}

const due = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })

function Cases({ cases }: { cases: CaseSummary[] }) {
  if (cases.length === 0) return <p>No open cases.</p>
  return (
    <table class="cases">
      <caption>Open cases, most urgent first, then the nearest SLA due time</caption>
      <thead>
        <tr>
          <th scope="col">Priority</th>
          <th scope="col">Customer</th>
          <th scope="col">Latest message</th>
          <th scope="col">Owner</th>
          <th scope="col">SLA due</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((item) => (
          <tr key={item.id}>
            <td class={`p${item.priority}`}>P{item.priority}</td>
            <td>
              {item.customer.name ?? item.customer.handle}
              <small> {item.customer.platform} · {item.mentions} msg</small>
            </td>
            <td>
              <span class="text">{item.latest_text}</span>
              <span class="chips">
                {item.reasons.map((reason) => (
                  <span class="chip" key={reason.signal}>
                    {reason.reason}
                  </span>
                ))}
              </span>
            </td>
            <td>{item.owner?.name ?? <em>team queue</em>}</td>
            <td>{item.sla_due_at ? due.format(new Date(item.sla_due_at)) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function Status() {
  const [health, setHealth] = useState<Health | { error: string } | null>(null)
  useEffect(() => {
    readHealth().then(setHealth, (error: unknown) => setHealth({ error: String(error) }))
  }, [])
  if (health === null || 'error' in health) return null
  return (
    <footer>
      Service {health.status} · {health.runtime} · schema {health.database.migration?.version ?? 'none'}
    </footer>
  )
}

render(<App />, document.getElementById('app')!)
