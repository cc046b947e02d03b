// Administration, for the admin role: people, teams, shifts, the brand's hours, holidays and
// SLA, reply templates, and the sources with their health.
import { BrandSettings, HolidaysTab, HoursTab, SlaTab } from './brand'
import { ShiftsTab } from './shifts'
import { SourcesTab } from './sources'
import { TeamsTab } from './teams'
import { TemplatesTab } from './templates'
import { UsersTab } from './users'

const tabs = [
  ['users', 'Users & roles'],
  ['teams', 'Teams'],
  ['shifts', 'Shifts'],
  ['hours', 'Business hours'],
  ['holidays', 'Holidays'],
  ['sla', 'SLA policies'],
  ['templates', 'Templates'],
  ['sources', 'Sources'],
] as const

export function Admin({ tab }: { tab: string }) {
  const current = tabs.some(([id]) => id === tab) ? tab : 'users'
  const label = tabs.find(([id]) => id === current)![1]
  return (
    <section class="admin" aria-labelledby="admin-title">
      <div class="page-head">
        <h1 id="admin-title">Admin</h1>
      </div>
      <nav class="tabs" aria-label="Admin sections">
        {tabs.map(([id, name]) => (
          <a key={id} href={`#/admin/${id}`} aria-current={id === current ? 'page' : undefined} data-testid={`admin-tab-${id}`}>
            {name}
          </a>
        ))}
      </nav>
      <div class="admin-body" aria-label={label} role="region">
        {current === 'users' && <UsersTab />}
        {current === 'teams' && <TeamsTab />}
        {current === 'shifts' && <ShiftsTab />}
        {current === 'hours' && (
          <>
            <BrandSettings />
            <HoursTab />
          </>
        )}
        {current === 'holidays' && <HolidaysTab />}
        {current === 'sla' && <SlaTab />}
        {current === 'templates' && <TemplatesTab />}
        {current === 'sources' && <SourcesTab />}
      </div>
    </section>
  )
}
