/** An e-mail address that may wrap after the "@" on narrow screens instead of mid-word. */
export function Address({ email }: { email: string }) {
  const at = email.lastIndexOf("@");
  if (at === -1) return <>{email}</>;
  return (
    <>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </>
  );
}
