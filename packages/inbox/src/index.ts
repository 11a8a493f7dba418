export {
  createInbox,
  INBOX_BODY_MAX_BYTES,
  INBOX_TITLE_MAX_CHARS,
  type Inbox,
  type InboxListQuery,
  type InboxOptions,
  type InboxViewer,
} from './create-inbox.js';
