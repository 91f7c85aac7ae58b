// The lock on an encrypted transfer: TLS 1.3 between the two nodes, the other end proven by its
// node key (src-shared/api/transfers.ts, `encrypted`). Plain HTTP shows an open lock, said in words.
export function Lock({ encrypted, who }: { encrypted: boolean; who: 'source' | 'downloader' }) {
  const text = encrypted
    ? `Encrypted (TLS 1.3); the ${who} is proven by its node key`
    : `Not encrypted (plain HTTP); the ${who}\u2019s id is only its claim`;
  return (
    <span className={encrypted ? 'lock' : 'lock open'} title={text} data-testid="lock" data-encrypted={encrypted}>
      <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true" focusable="false">
        <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
        <path d={encrypted ? 'M5 7V5a3 3 0 0 1 6 0v2' : 'M5 7V5a3 3 0 0 1 5.8-1'} fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      <span className="visually-hidden">{text}</span>
    </span>
  );
}
