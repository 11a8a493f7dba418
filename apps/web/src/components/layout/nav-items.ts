import {
  Bot,
  Boxes,
  CreditCard,
  History,
  Inbox,
  KeyRound,
  MessagesSquare,
  ScrollText,
  Settings,
  Users,
} from 'lucide-react';

/** The console's sections, in sidebar order. */
export const NAV_ITEMS = [
  { to: '/crews', label: 'Crews', icon: Boxes },
  { to: '/agents', label: 'Agents', icon: Bot },
  { to: '/chat', label: 'Chat', icon: MessagesSquare },
  { to: '/runs', label: 'Runs', icon: History },
  { to: '/journal', label: 'Journal', icon: ScrollText },
  { to: '/inbox', label: 'Inbox', icon: Inbox },
  { to: '/credentials', label: 'Credentials', icon: KeyRound },
  { to: '/cost', label: 'Cost', icon: CreditCard },
  { to: '/members', label: 'Members', icon: Users },
  { to: '/settings', label: 'Settings', icon: Settings },
] as const;
