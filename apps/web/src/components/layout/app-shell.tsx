import { LogOut, Menu, Moon, Sun } from 'lucide-react';
import { type ReactNode, useId, useState } from 'react';
import { NavLink, useLocation } from 'react-router';
import { cn } from '../../lib/cn';
import { useInboxUnread } from '../../lib/inbox-count';
import { useRealtimeStatus } from '../../lib/realtime';
import { useSession } from '../../lib/session';
import { useTheme } from '../../lib/theme';
import { Button } from '../ui/button';
import { Dialog, DialogContent } from '../ui/dialog';
import { Select } from '../ui/input';
import { NAV_ITEMS } from './nav-items';

function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  const unread = useInboxUnread();
  return (
    <nav aria-label="Main" className="grid gap-1">
      {NAV_ITEMS.map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          onClick={onNavigate}
          className={({ isActive }) =>
            cn(
              'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-muted-foreground hover:bg-accent hover:text-foreground',
              isActive && 'bg-accent text-foreground',
            )
          }
        >
          <item.icon className="size-4" aria-hidden="true" />
          <span className="flex-1">{item.label}</span>
          {item.to === '/inbox' && unread > 0 ? (
            <span
              className="rounded-full bg-primary px-2 py-0.5 text-xs text-primary-foreground"
              data-testid="inbox-unread"
            >
              {unread}
              <span className="sr-only"> unread</span>
            </span>
          ) : null}
        </NavLink>
      ))}
    </nav>
  );
}

function WorkspaceSwitcher() {
  const { me, workspace, switchWorkspace } = useSession();
  const id = useId();
  return (
    <div className="grid gap-1 text-xs text-muted-foreground">
      <label htmlFor={id}>Workspace</label>
      <Select id={id} value={workspace.id} onChange={(event) => switchWorkspace(event.target.value)}>
        {me.workspaces.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.name} ({candidate.role.toLowerCase()})
          </option>
        ))}
      </Select>
    </div>
  );
}

function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  const dark =
    theme === 'dark' || (theme === 'system' && document.documentElement.classList.contains('dark'));
  return (
    <Button
      variant="ghost"
      size="icon"
      aria-label={dark ? 'Switch to light theme' : 'Switch to dark theme'}
      onClick={() => setTheme(dark ? 'light' : 'dark')}
    >
      {dark ? <Sun /> : <Moon />}
    </Button>
  );
}

function LiveIndicator() {
  const status = useRealtimeStatus();
  const live = status === 'open';
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-muted-foreground"
      title={`live updates: ${status}`}
    >
      <span className={cn('size-2 rounded-full', live ? 'bg-success' : 'bg-warning')} aria-hidden="true" />
      {live ? 'live' : status}
    </span>
  );
}

/** Sidebar navigation on wide screens, a menu dialog on phones; the page renders in `main`. */
export function AppShell({ children, onLogout }: { children: ReactNode; onLogout: () => void }) {
  const { me } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  return (
    <div className="flex min-h-full">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-card focus:p-2"
      >
        Skip to content
      </a>
      <aside className="hidden w-60 shrink-0 flex-col gap-6 border-r bg-card p-4 md:flex">
        <div className="text-lg font-semibold tracking-tight">Crewship</div>
        <WorkspaceSwitcher />
        <Navigation />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center gap-2 border-b px-4">
          <Dialog open={menuOpen} onOpenChange={setMenuOpen}>
            <Button
              variant="ghost"
              size="icon"
              className="md:hidden"
              aria-label="Open menu"
              onClick={() => setMenuOpen(true)}
            >
              <Menu />
            </Button>
            <DialogContent
              title="Crewship"
              className="top-0 left-0 h-full max-h-full translate-x-0 translate-y-0 rounded-none"
            >
              <WorkspaceSwitcher />
              <Navigation onNavigate={() => setMenuOpen(false)} />
            </DialogContent>
          </Dialog>
          <span className="font-semibold md:hidden">Crewship</span>
          <div className="ml-auto flex items-center gap-2">
            <LiveIndicator />
            <ThemeToggle />
            <span className="hidden text-sm text-muted-foreground sm:inline" data-testid="current-user">
              {me.user.email}
            </span>
            <Button variant="ghost" size="icon" aria-label="Log out" onClick={onLogout}>
              <LogOut />
            </Button>
          </div>
        </header>
        <main id="main" key={location.pathname} className="min-w-0 flex-1 p-4 md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}
