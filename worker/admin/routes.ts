// The admin API (role admin): people, teams, brands and their clocks, reply templates. Each area
// is its own small app guarding its own paths; every change it makes is in the audit log.
import { Hono } from 'hono'
import type { AuthedEnv } from '../auth/session'
import { brandAdmin } from './brands'
import { teamAdmin } from './teams'
import { templateAdmin } from './templates'
import { userAdmin } from './users'

export const adminRoutes = new Hono<AuthedEnv>()
  .route('/', userAdmin)
  .route('/', teamAdmin)
  .route('/', brandAdmin)
  .route('/', templateAdmin)
