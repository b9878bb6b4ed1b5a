"use client";

import { observer } from "mobx-react-lite";
import Link from "next/link";
import { useCallback, useRef, useState } from "react";
import { useDismiss } from "@/components/ui/use-dismiss";
import { useAgentStore } from "@/stores/store-provider";
import { ProviderMark } from "./provider-mark";

/** Above the comment editor: choose agents (and a skill) that the next comment starts. */
export const AgentModeBar = observer(function AgentModeBar({ slug }: { slug: string }) {
  const store = useAgentStore();
  const bar = store.modeBar;
  const { providers, skills } = store.picker;
  const nameOf = (provider: string, variant: string) =>
    providers.find((p) => p.slug === provider)?.variants.find((v) => v.slug === variant)?.name ?? `${provider}-${variant}`;

  return (
    <div className="mb-2 flex flex-wrap items-center gap-2 text-sm" role="group" aria-label="Agent mode">
      <button
        type="button"
        role="switch"
        aria-checked={bar.enabled}
        onClick={() => bar.toggle()}
        className={`inline-flex items-center gap-1.5 rounded-full border px-2.5 py-1 text-xs font-medium ${bar.enabled ? "border-indigo-300 bg-indigo-50 text-indigo-700" : "border-slate-300 bg-white text-slate-600 hover:bg-slate-50"}`}
      >
        <span aria-hidden className={`h-2 w-2 rounded-full ${bar.enabled ? "bg-indigo-500" : "bg-slate-300"}`} />
        Agent mode
      </button>
      {bar.enabled && (
        <>
          {bar.agents.map((a) => (
            <span key={`${a.provider}-${a.variant}`} className="inline-flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pl-1.5 pr-1 text-xs text-slate-700">
              <ProviderMark provider={a.provider} size="xs" />
              {nameOf(a.provider, a.variant)}
              <button
                type="button"
                aria-label={`Remove ${nameOf(a.provider, a.variant)}`}
                onClick={() => bar.remove(a)}
                className="ml-0.5 rounded-full px-1 text-slate-400 hover:bg-slate-200 hover:text-slate-700"
              >
                ×
              </button>
            </span>
          ))}
          {providers.length === 0 ? (
            <span className="text-xs text-slate-500">
              No agent is connected.{" "}
              <Link href={`/${slug}/settings/agents`} className="text-indigo-600 hover:underline">
                Agent settings
              </Link>
            </span>
          ) : (
            <AddAgentMenu />
          )}
          {skills.length > 0 && (
            <label className="ml-auto inline-flex items-center gap-1.5 text-xs text-slate-500">
              Skill
              <select
                value={bar.skill ?? ""}
                onChange={(e) => bar.setSkill(e.target.value || null)}
                className="rounded-md border border-slate-300 bg-white py-0.5 pl-1.5 pr-6 text-xs text-slate-700"
              >
                <option value="">None</option>
                {skills.map((s) => (
                  <option key={s.trigger} value={s.trigger}>
                    {s.name} (:{s.trigger})
                  </option>
                ))}
              </select>
            </label>
          )}
        </>
      )}
    </div>
  );
});

const AddAgentMenu = observer(function AddAgentMenu() {
  const store = useAgentStore();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useDismiss(ref, open, useCallback(() => setOpen(false), []));

  const chosen = (p: string, v: string) => store.modeBar.agents.some((a) => a.provider === p && a.variant === v);
  const groups = [...new Set(store.picker.providers.map((p) => p.group))];
  return (
    <div className="relative" ref={ref}>
      <button type="button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} className="rounded-full border border-dashed border-slate-300 px-2.5 py-0.5 text-xs text-slate-600 hover:border-slate-400 hover:text-slate-900">
        + Add
      </button>
      {open && (
        <div role="menu" aria-label="Add an agent" className="absolute left-0 top-full z-40 mt-1 w-56 rounded-lg border border-slate-200 bg-white py-1 shadow-lg">
          {groups.map((group) => (
            <div key={group} role="group" aria-label={group}>
              <p className="px-3 pb-0.5 pt-1.5 text-[11px] font-semibold uppercase tracking-wide text-slate-400">{group}</p>
              {store.picker.providers
                .filter((p) => p.group === group)
                .flatMap((p) =>
                  p.variants.map((v) => (
                    <button
                      key={`${p.slug}-${v.slug}`}
                      type="button"
                      role="menuitemcheckbox"
                      aria-checked={chosen(p.slug, v.slug)}
                      onClick={() => (chosen(p.slug, v.slug) ? store.modeBar.remove({ provider: p.slug, variant: v.slug }) : store.modeBar.add({ provider: p.slug, variant: v.slug }), setOpen(false))}
                      className="flex w-full items-center gap-2 px-3 py-1.5 text-left text-sm text-slate-700 hover:bg-slate-50"
                    >
                      <ProviderMark provider={p.slug} size="xs" />
                      <span className="flex-1">{v.name}</span>
                      {chosen(p.slug, v.slug) && <span aria-hidden className="text-indigo-600">✓</span>}
                    </button>
                  )),
                )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
});
