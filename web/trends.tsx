// Marketing's page, until trends are built.
export function Trends() {
  return (
    <section class="trends" aria-labelledby="trends-title" data-testid="trends-placeholder">
      <h1 id="trends-title">Trends</h1>
      <div class="card">
        <p>Trends arrive in a later version.</p>
        <p class="muted">You will see complaint volumes, topics and spikes per platform and language here.</p>
      </div>
    </section>
  )
}
