import type { ReactNode } from "react";
import { Brand } from "./brand";
import { LanguageSwitch } from "./language-switch";
import { cardClass } from "./ui";

/** The frame of the signed-out screens: brand and language switch on top, one card in the middle. */
export function AuthShell({ heading, intro, children, footer }: { heading: string; intro: string; children: ReactNode; footer: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col bg-gray-50">
      <header className="flex items-center justify-between gap-4 px-4 py-4 sm:px-6">
        <Brand />
        <LanguageSwitch />
      </header>
      <main className="flex flex-1 justify-center px-4 pb-12 pt-4 sm:pt-10">
        <div className="w-full max-w-md">
          <div className={`${cardClass} p-6 sm:p-8`}>
            <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{heading}</h1>
            <p className="mt-1.5 text-sm text-gray-600">{intro}</p>
            <div className="mt-6">{children}</div>
          </div>
          <p className="mt-6 text-center text-sm text-gray-700">{footer}</p>
        </div>
      </main>
    </div>
  );
}
