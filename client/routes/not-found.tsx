import { ErrorCard } from "../components/route-error";

export function Component() {
  return <ErrorCard notFound fullPage />;
}
