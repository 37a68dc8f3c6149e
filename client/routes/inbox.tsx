// The inbox (/mail/inbox and /mail/inbox/:folder/:uid): folders, the message list 50 at a time, search, a message in
// a sandboxed iframe (the server's sanitised HTML with its own CSP; no scripts; links open a new tab), attachments,
// mark read/unread, Trash/Junk, reply and compose. Its own chunk with its own words.
import { AlertTriangle, ArrowLeft, ImageOff, Inbox as InboxIcon, Mail, Paperclip, PenSquare, Reply, Search, ShieldAlert, Trash2, X } from "lucide-react";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import type { MailFolder, MailMessage, MailSummary } from "../../shared/schemas/mail";
import { useInboxWords, type InboxWord } from "../components/inbox/words";
import { cardClass, focusRing, linkClass, primaryButtonClass, secondaryButtonClass, smallSecondaryButtonClass, Spinner } from "../components/ui";
import { useDocumentTitle, useI18n } from "../i18n";
import { queryUtils, trpc, type ClientError } from "../trpc";

const PAGE = 50;
const INBOX = "INBOX";
const ROLE_WORD: Record<NonNullable<MailFolder["role"]>, InboxWord> = {
  inbox: "folder.inbox",
  sent: "folder.sent",
  drafts: "folder.drafts",
  trash: "folder.trash",
  junk: "folder.junk",
};

export async function loader() {
  await queryUtils.mailbox.info.ensureData().catch(() => null);
  return null;
}

export function messagePath(folder: string, uid: number): string {
  return `/mail/inbox/${encodeURIComponent(folder)}/${uid}`;
}

function errorText(error: unknown): string | null {
  if (!error) return null;
  return (error as ClientError).message || String(error);
}

function useFormat() {
  const { locale } = useI18n();
  const tag = locale === "en" ? "en-GB" : "ru-RU";
  return useMemo(() => {
    const number = (value: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat(tag, options).format(value);
    const day = new Intl.DateTimeFormat(tag, { dateStyle: "medium" });
    const time = new Intl.DateTimeFormat(tag, { timeStyle: "short" });
    const full = new Intl.DateTimeFormat(tag, { dateStyle: "long", timeStyle: "short" });
    return {
      // Binary multiples, as Mailcow counts; below 1 kB still in kB.
      bytes: (bytes: number) => {
        const [unit, size] = bytes >= 1_048_576 ? (["megabyte", 1_048_576] as const) : (["kilobyte", 1024] as const);
        return number(bytes / size, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: bytes / size < 10 ? 1 : 0 });
      },
      listDate: (iso: string | null) => {
        if (!iso) return "";
        const date = new Date(iso);
        return date.toDateString() === new Date().toDateString() ? time.format(date) : day.format(date);
      },
      fullDate: (iso: string | null) => (iso ? full.format(new Date(iso)) : ""),
    };
  }, [tag]);
}

function Notice({ tone, children, testId }: { tone: "error" | "info"; children: ReactNode; testId?: string }) {
  const classes = tone === "error" ? "bg-red-50 text-red-800 ring-red-200" : "bg-gray-100 text-gray-800 ring-gray-200";
  return (
    <div role={tone === "error" ? "alert" : "status"} data-testid={testId} className={`flex items-start gap-2 rounded-lg px-3 py-2 text-sm ring-1 ${classes}`}>
      {tone === "error" ? <AlertTriangle aria-hidden="true" className="mt-0.5 size-4 shrink-0" /> : null}
      <div className="min-w-0">{children}</div>
    </div>
  );
}

export function Component() {
  const w = useInboxWords();
  useDocumentTitle(w("title"));
  const params = useParams();
  const [searchParams] = useSearchParams();
  const info = trpc.mailbox.info.useQuery().data;
  const uid = params.uid ? Number(params.uid) : null;
  const folder = params.folder ?? searchParams.get("folder") ?? INBOX;

  if (info && info.state !== "active") {
    return (
      <div className="space-y-4" data-testid="inbox-page">
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{w("heading")}</h1>
        <Notice tone="info" testId="inbox-not-active">
          {w("notActive")}{" "}
          <Link to="/mail" className={linkClass}>
            {w("backToMail")}
          </Link>
        </Notice>
      </div>
    );
  }

  return (
    <div className="space-y-4" data-testid="inbox-page">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{w("heading")}</h1>
          {info ? <p className="mt-1 text-sm text-gray-600">{w("intro", { address: info.address })}</p> : null}
        </div>
        <Link to="/mail" className={linkClass}>
          {w("backToMail")}
        </Link>
      </header>
      <Folders current={folder} />
      {uid !== null && Number.isSafeInteger(uid) ? <MessageView key={`${folder}/${uid}`} folder={folder} uid={uid} /> : <MessageList key={folder} folder={folder} />}
    </div>
  );
}

function folderLabel(w: ReturnType<typeof useInboxWords>, folder: MailFolder): string {
  return folder.role ? w(ROLE_WORD[folder.role]) : folder.name;
}

function Folders({ current }: { current: string }) {
  const w = useInboxWords();
  const folders = trpc.mail.folders.useQuery(undefined, { retry: false, refetchInterval: 60_000 });
  const list = folders.data ?? [{ path: INBOX, name: INBOX, delimiter: "/", role: "inbox" as const, messages: 0, unseen: 0 }];
  return (
    <nav aria-label={w("folders")} className="-mx-1 overflow-x-auto">
      <ul className="flex gap-1 px-1 pb-1" data-testid="inbox-folders">
        {list.map((folder) => {
          const active = folder.path === current;
          return (
            <li key={folder.path}>
              <Link
                to={folder.path === INBOX ? "/mail/inbox" : `/mail/inbox?folder=${encodeURIComponent(folder.path)}`}
                aria-current={active ? "page" : undefined}
                data-folder={folder.path}
                className={`flex items-center gap-2 whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium ${focusRing} ${
                  active ? "bg-pink-50 text-pink-700" : "text-gray-700 hover:bg-gray-100"
                }`}
              >
                {folderLabel(w, folder)}
                {folder.unseen > 0 ? (
                  <span className="rounded-full bg-pink-600 px-1.5 text-xs font-semibold text-white">
                    {folder.unseen}
                    <span className="sr-only"> {w("unreadIn", { count: folder.unseen })}</span>
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function MessageList({ folder }: { folder: string }) {
  const w = useInboxWords();
  const [query, setQuery] = useState("");
  const [searching, setSearching] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);
  const searchId = useId();
  const pages = trpc.mail.list.useInfiniteQuery(
    { folder, limit: PAGE },
    { getNextPageParam: (last) => last.nextCursor ?? undefined, retry: false, refetchInterval: 60_000 },
  );
  const found = trpc.mail.search.useQuery({ folder, query: searching ?? "" }, { enabled: searching !== null, retry: false });
  const messages = searching !== null ? (found.data?.messages ?? []) : (pages.data?.pages.flatMap((page) => page.messages) ?? []);
  const error = searching !== null ? found.error : pages.error;
  const loading = searching !== null ? found.isLoading : pages.isLoading;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = query.trim();
    setSearching(text === "" ? null : text);
  };

  return (
    <section aria-label={w("messages")} className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <form role="search" onSubmit={submit} className="flex min-w-0 flex-1 items-center gap-2">
          <label htmlFor={searchId} className="sr-only">
            {w("searchLabel")}
          </label>
          <input
            id={searchId}
            type="search"
            value={query}
            maxLength={200}
            onChange={(event) => setQuery(event.target.value)}
            placeholder={w("searchLabel")}
            data-testid="inbox-search"
            className="min-w-0 flex-1 rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-inset ring-gray-300 focus:ring-2 focus:ring-pink-500"
          />
          <button type="submit" className={smallSecondaryButtonClass}>
            <Search aria-hidden="true" className="size-4" />
            {w("searchSubmit")}
          </button>
          {searching !== null ? (
            <button
              type="button"
              onClick={() => {
                setSearching(null);
                setQuery("");
              }}
              className={smallSecondaryButtonClass}
            >
              <X aria-hidden="true" className="size-4" />
              <span className="sr-only sm:not-sr-only">{w("searchClear")}</span>
            </button>
          ) : null}
        </form>
        <button type="button" onClick={() => setComposing(true)} className={primaryButtonClass} data-testid="inbox-compose">
          <PenSquare aria-hidden="true" className="size-4" />
          {w("compose")}
        </button>
      </div>

      {composing ? <Compose onClose={() => setComposing(false)} /> : null}
      {error ? (
        <Notice tone="error" testId="inbox-error">
          {errorText(error)}
          {messages.length > 0 ? ` · ${w("stale")}` : null}{" "}
          <button type="button" className={linkClass} onClick={() => void (searching !== null ? found.refetch() : pages.refetch())}>
            {w("retry")}
          </button>
        </Notice>
      ) : null}
      {searching !== null && found.data ? (
        <p role="status" className="text-sm text-gray-600">
          {w("searchFound", { count: found.data.total })}
        </p>
      ) : null}

      <div className={`${cardClass} overflow-hidden`}>
        {loading ? (
          <p className="flex items-center gap-2 p-4 text-sm text-gray-600">
            <Spinner /> {w("loading")}
          </p>
        ) : messages.length === 0 && !error ? (
          <p className="p-4 text-sm text-gray-600" data-testid="inbox-empty">
            <InboxIcon aria-hidden="true" className="mr-2 inline size-4" />
            {w("empty")}
          </p>
        ) : (
          <ul className="divide-y divide-gray-100" data-testid="inbox-list">
            {messages.map((message) => (
              <MessageRow key={message.uid} folder={folder} message={message} />
            ))}
          </ul>
        )}
      </div>
      {searching === null && pages.hasNextPage ? (
        <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage} className={secondaryButtonClass} data-testid="inbox-more">
          {pages.isFetchingNextPage ? <Spinner /> : null}
          {w("more")}
        </button>
      ) : null}
    </section>
  );
}

function MessageRow({ folder, message }: { folder: string; message: MailSummary }) {
  const w = useInboxWords();
  const format = useFormat();
  const sender = message.from ? message.from.name || message.from.address : w("unknownSender");
  return (
    <li>
      <Link
        to={messagePath(folder, message.uid)}
        data-testid="inbox-row"
        data-uid={message.uid}
        data-unread={message.seen ? undefined : "true"}
        className={`grid grid-cols-[1fr_auto] gap-x-3 gap-y-0.5 px-4 py-3 hover:bg-gray-50 ${focusRing} ${message.seen ? "text-gray-700" : "bg-pink-50/40 text-gray-900"}`}
      >
        <span className={`flex min-w-0 items-center gap-2 truncate text-sm ${message.seen ? "" : "font-semibold"}`}>
          {message.seen ? null : (
            <>
              <span aria-hidden="true" className="size-2 shrink-0 rounded-full bg-pink-600" />
              <span className="sr-only">{w("unread")}: </span>
            </>
          )}
          <span className="truncate">{sender}</span>
        </span>
        <span className="text-right text-xs text-gray-500">{format.listDate(message.date)}</span>
        <span className={`flex min-w-0 items-center gap-1.5 text-sm ${message.seen ? "" : "font-semibold"}`}>
          <span className="truncate" data-testid="inbox-row-subject">
            {message.subject || w("noSubject")}
          </span>
          {message.hasAttachment ? (
            <Paperclip aria-label={w("attachment")} role="img" className="size-3.5 shrink-0 text-gray-500" />
          ) : null}
        </span>
        <span className="text-right text-xs text-gray-500">{format.bytes(message.size)}</span>
      </Link>
    </li>
  );
}

function addressText(list: { name: string; address: string }[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(", ");
}

function MessageView({ folder, uid }: { folder: string; uid: number }) {
  const w = useInboxWords();
  const format = useFormat();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const [showImages, setShowImages] = useState(false);
  const [replying, setReplying] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const origin = typeof window === "undefined" ? undefined : window.location.origin;
  const message = trpc.mail.message.useQuery({ folder, uid, showImages, origin }, { retry: false, placeholderData: (previous) => previous });
  const folders = trpc.mail.folders.useQuery(undefined, { retry: false });
  const role = folders.data?.find((f) => f.path === folder)?.role ?? (folder === INBOX ? "inbox" : null);
  const refresh = () => {
    void utils.mail.list.invalidate();
    void utils.mail.folders.invalidate();
    void utils.mail.unreadCount.invalidate();
  };
  const setFlags = trpc.mail.setFlags.useMutation({ onSuccess: refresh });
  const move = trpc.mail.move.useMutation({
    onSuccess: (result) => {
      refresh();
      void navigate(folder === INBOX ? "/mail/inbox" : `/mail/inbox?folder=${encodeURIComponent(folder)}`);
      setDone(result.deleted ? w("deleted") : w("moved", { count: result.moved }));
    },
  });
  const [seen, setSeen] = useState<boolean | null>(null);
  const marked = useRef(false);
  const data = message.data;

  // Opening an unread message marks it read (once; "mark unread" afterwards sticks).
  useEffect(() => {
    if (!data || marked.current) return;
    marked.current = true;
    setSeen(true);
    if (!data.seen) setFlags.mutate({ folder, uids: [uid], seen: true });
  }, [data, folder, uid, setFlags]);

  if (message.error && !data) {
    return (
      <div className="space-y-3">
        <BackLink folder={folder} />
        <Notice tone="error" testId="inbox-error">
          {errorText(message.error)}{" "}
          <button type="button" className={linkClass} onClick={() => void message.refetch()}>
            {w("retry")}
          </button>
        </Notice>
      </div>
    );
  }
  if (!data) {
    return (
      <p className="flex items-center gap-2 text-sm text-gray-600">
        <Spinner /> {w("loading")}
      </p>
    );
  }

  const busy = setFlags.isPending || move.isPending;
  const actionError = errorText(setFlags.error ?? move.error);
  const isSeen = seen ?? data.seen;
  const toggleSeen = () => {
    const next = !isSeen;
    setSeen(next);
    setFlags.mutate({ folder, uids: [uid], seen: next });
  };

  return (
    <article className="space-y-3" aria-labelledby="inbox-message-subject" data-testid="inbox-message">
      <div className="flex flex-wrap items-center gap-2">
        <BackLink folder={folder} />
        <span className="flex-1" />
        <button type="button" onClick={() => setReplying(true)} className={smallSecondaryButtonClass} data-testid="inbox-reply">
          <Reply aria-hidden="true" className="size-4" />
          {w("reply")}
        </button>
        <button type="button" onClick={toggleSeen} disabled={busy} className={smallSecondaryButtonClass} data-testid="inbox-toggle-seen">
          <Mail aria-hidden="true" className="size-4" />
          {w(isSeen ? "markUnread" : "markRead")}
        </button>
        {role === "junk" ? (
          <button type="button" disabled={busy} onClick={() => move.mutate({ folder, uids: [uid], to: "inbox" })} className={smallSecondaryButtonClass}>
            <InboxIcon aria-hidden="true" className="size-4" />
            {w("notJunk")}
          </button>
        ) : role !== "trash" ? (
          <button type="button" disabled={busy} onClick={() => move.mutate({ folder, uids: [uid], to: "junk" })} className={smallSecondaryButtonClass} data-testid="inbox-junk">
            <ShieldAlert aria-hidden="true" className="size-4" />
            {w("toJunk")}
          </button>
        ) : null}
        <button
          type="button"
          disabled={busy}
          onClick={() => move.mutate({ folder, uids: [uid], to: "trash" })}
          className={smallSecondaryButtonClass}
          data-testid={role === "trash" ? "inbox-delete" : "inbox-trash"}
        >
          <Trash2 aria-hidden="true" className="size-4" />
          {w(role === "trash" ? "deleteForever" : "toTrash")}
        </button>
      </div>
      {actionError ? <Notice tone="error">{actionError}</Notice> : null}
      {done ? <Notice tone="info">{done}</Notice> : null}
      {message.error ? <Notice tone="error">{errorText(message.error)}</Notice> : null}

      <div className={`${cardClass} space-y-3 p-4`}>
        <h2 id="inbox-message-subject" className="text-lg font-semibold break-words text-gray-900" data-testid="inbox-message-subject">
          {data.subject || w("noSubject")}
        </h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-gray-500">{w("from")}</dt>
          <dd className="break-words text-gray-900">{addressText(data.from) || w("unknownSender")}</dd>
          {data.to.length > 0 ? (
            <>
              <dt className="text-gray-500">{w("to")}</dt>
              <dd className="break-words text-gray-900">{addressText(data.to)}</dd>
            </>
          ) : null}
          {data.cc.length > 0 ? (
            <>
              <dt className="text-gray-500">{w("cc")}</dt>
              <dd className="break-words text-gray-900">{addressText(data.cc)}</dd>
            </>
          ) : null}
          <dt className="text-gray-500">{w("date")}</dt>
          <dd className="text-gray-900">{format.fullDate(data.date)}</dd>
        </dl>
        {data.remote.count > 0 && !data.remote.allowed ? (
          <div className="flex flex-wrap items-center gap-2 rounded-lg bg-gray-100 px-3 py-2 text-sm text-gray-800" data-testid="inbox-images-blocked">
            <ImageOff aria-hidden="true" className="size-4 shrink-0" />
            <span className="min-w-0 flex-1 break-words">{w("imagesBlocked", { count: data.remote.count, hosts: data.remote.hosts.join(", ") })}</span>
            <button type="button" onClick={() => setShowImages(true)} className={smallSecondaryButtonClass} data-testid="inbox-show-images">
              {w("showImages")}
            </button>
          </div>
        ) : null}
        {data.srcdoc !== null ? (
          <iframe
            title={w("bodyFrame")}
            // No allow-scripts, no allow-same-origin: the message runs nothing and reaches nothing of the app.
            sandbox="allow-popups allow-popups-to-escape-sandbox"
            srcDoc={data.srcdoc}
            referrerPolicy="no-referrer"
            data-testid="inbox-message-frame"
            className="h-[70vh] w-full rounded-lg ring-1 ring-gray-200"
          />
        ) : (
          <pre className="whitespace-pre-wrap break-words font-sans text-sm text-gray-900" data-testid="inbox-message-text">
            {data.text}
          </pre>
        )}
        {data.attachments.filter((a) => !a.inline).length > 0 ? (
          <section aria-label={w("attachments")}>
            <h3 className="text-sm font-semibold text-gray-900">{w("attachments")}</h3>
            <ul className="mt-2 flex flex-wrap gap-2" data-testid="inbox-attachments">
              {data.attachments
                .filter((a) => !a.inline)
                .map((attachment) => (
                  <li key={attachment.part}>
                    <a
                      href={attachment.url}
                      download={attachment.filename}
                      aria-label={w("download", { name: attachment.filename })}
                      className={`${smallSecondaryButtonClass} max-w-xs`}
                      data-testid="inbox-attachment"
                    >
                      <Paperclip aria-hidden="true" className="size-4 shrink-0" />
                      <span className="truncate">{attachment.filename}</span>
                      <span className="shrink-0 text-xs font-normal text-gray-500">{format.bytes(attachment.size)}</span>
                    </a>
                  </li>
                ))}
            </ul>
          </section>
        ) : null}
      </div>
      {replying ? <Compose replyTo={data} onClose={() => setReplying(false)} /> : null}
    </article>
  );
}

function BackLink({ folder }: { folder: string }) {
  const w = useInboxWords();
  return (
    <Link to={folder === INBOX ? "/mail/inbox" : `/mail/inbox?folder=${encodeURIComponent(folder)}`} className={smallSecondaryButtonClass} data-testid="inbox-back">
      <ArrowLeft aria-hidden="true" className="size-4" />
      {w("back")}
    </Link>
  );
}

function Compose({ replyTo, onClose }: { replyTo?: MailMessage; onClose: () => void }) {
  const w = useInboxWords();
  const utils = trpc.useUtils();
  const ids = useId();
  const first = useRef<HTMLInputElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const replyAddress = replyTo ? (replyTo.replyTo[0] ?? replyTo.from[0])?.address : undefined;
  const [to, setTo] = useState(replyAddress ?? "");
  const [cc, setCc] = useState("");
  const [subject, setSubject] = useState(replyTo ? (/^re:/i.test(replyTo.subject) ? replyTo.subject : `Re: ${replyTo.subject}`) : "");
  const [text, setText] = useState("");
  const send = trpc.mail.send.useMutation({
    onSuccess: () => {
      void utils.mail.folders.invalidate();
      void utils.mail.list.invalidate();
    },
  });
  useEffect(() => {
    (replyTo ? textArea.current : first.current)?.focus();
  }, [replyTo]);

  const fieldErrors = (send.error as ClientError | null)?.data?.fieldErrors ?? {};
  const formError = send.error && Object.keys(fieldErrors).length === 0 ? errorText(send.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate({ to, cc: cc.trim() === "" ? undefined : cc, subject, text, inReplyTo: replyTo ? { folder: replyTo.folder, uid: replyTo.uid } : undefined });
  };
  const inputClass = "mt-1 block w-full rounded-lg border-0 px-3 py-2 text-sm ring-1 ring-inset ring-gray-300 focus:ring-2 focus:ring-pink-500";

  if (send.data) {
    return (
      <div className={`${cardClass} space-y-3 p-4`} data-testid="inbox-sent">
        <Notice tone="info">
          {w(send.data.savedToSent ? "compose.sent" : "compose.sentNoCopy")}
          {send.data.rejected.length > 0 ? ` ${w("compose.rejected", { list: send.data.rejected.join(", ") })}` : null}
        </Notice>
        <button type="button" onClick={onClose} className={smallSecondaryButtonClass}>
          {w("compose.cancel")}
        </button>
      </div>
    );
  }

  const field = (name: "to" | "cc" | "subject", label: string, value: string, set: (v: string) => void, hint?: string) => (
    <div>
      <label htmlFor={`${ids}-${name}`} className="block text-sm font-medium text-gray-900">
        {label}
      </label>
      <input
        ref={name === "to" ? first : undefined}
        id={`${ids}-${name}`}
        name={name}
        value={value}
        onChange={(event) => set(event.target.value)}
        aria-invalid={fieldErrors[name] ? true : undefined}
        aria-describedby={fieldErrors[name] ? `${ids}-${name}-error` : hint ? `${ids}-${name}-hint` : undefined}
        className={inputClass}
        data-testid={`compose-${name}`}
      />
      {hint && !fieldErrors[name] ? (
        <p id={`${ids}-${name}-hint`} className="mt-1 text-xs text-gray-500">
          {hint}
        </p>
      ) : null}
      {fieldErrors[name] ? (
        <p id={`${ids}-${name}-error`} className="mt-1 text-sm text-red-700">
          {fieldErrors[name][0]}
        </p>
      ) : null}
    </div>
  );

  return (
    <form onSubmit={submit} className={`${cardClass} space-y-3 p-4`} aria-label={w(replyTo ? "compose.replyTitle" : "compose.title")} data-testid="inbox-compose-form">
      <h2 className="text-base font-semibold text-gray-900">{w(replyTo ? "compose.replyTitle" : "compose.title")}</h2>
      {formError ? <Notice tone="error">{formError}</Notice> : null}
      {field("to", w("compose.to"), to, setTo, w("compose.toHint"))}
      {field("cc", w("compose.cc"), cc, setCc)}
      {field("subject", w("compose.subject"), subject, setSubject)}
      <div>
        <label htmlFor={`${ids}-text`} className="block text-sm font-medium text-gray-900">
          {w("compose.text")}
        </label>
        <textarea
          ref={textArea}
          id={`${ids}-text`}
          value={text}
          rows={8}
          onChange={(event) => setText(event.target.value)}
          aria-describedby={replyTo ? `${ids}-quote` : undefined}
          className={inputClass}
          data-testid="compose-text"
        />
        {replyTo ? (
          <p id={`${ids}-quote`} className="mt-1 text-xs text-gray-500">
            {w("compose.quoteNote")}
          </p>
        ) : null}
      </div>
      <div className="flex gap-2">
        <button type="submit" disabled={send.isPending} className={primaryButtonClass} data-testid="compose-send">
          {send.isPending ? <Spinner /> : null}
          {w(send.isPending ? "compose.sending" : "compose.send")}
        </button>
        <button type="button" onClick={onClose} className={secondaryButtonClass}>
          {w("compose.cancel")}
        </button>
      </div>
    </form>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../components/route-error";
