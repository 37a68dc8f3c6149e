// Usage statistics and charts: the place where the admin's totals, growth and quota-use charts go.
import { BarChart3 } from "lucide-react";
import { Card, PageHeader } from "../../components/admin/ui";
import { useAdminWords } from "../../components/admin/words";

export function Component() {
  const w = useAdminWords();
  return (
    <div className="space-y-4" data-testid="admin-statistics">
      <PageHeader title={w("statistics.title")} />
      <Card>
        <div className="flex items-center gap-3 text-sm text-gray-700">
          <BarChart3 aria-hidden="true" className="size-6 text-pink-600" />
          <p>{w("statistics.soon")}</p>
        </div>
      </Card>
    </div>
  );
}

