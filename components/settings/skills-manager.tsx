"use client";

import { useState } from "react";
import { deleteSkillAction } from "@/app/actions/agent-settings";
import { FormError } from "@/components/ui/field";
import { EmptyState } from "@/components/ui/page-header";
import { useServerAction } from "@/components/ui/use-server-action";
import { SkillForm } from "./skill-form";
import { SkillSummary } from "./skill-summary";
import type { ProviderChoice, SkillSettings } from "./types";

/** Admins: the workspace's skills with create, edit (in place) and delete. */
export function SkillsManager({ slug, skills: fromServer, providers }: { slug: string; skills: SkillSettings[]; providers: ProviderChoice[] }) {
  // The list as the last action left it, until the server renders the page again.
  const [skills, setSkills] = useState(fromServer);
  const [rendered, setRendered] = useState(fromServer);
  if (fromServer !== rendered) {
    setRendered(fromServer);
    setSkills(fromServer);
  }
  const remove = useServerAction((id: string) => deleteSkillAction(slug, id));
  // "new", a skill id being edited, or nothing open.
  const [open, setOpen] = useState<string | null>(null);

  const saved = (skill: SkillSettings) => {
    setSkills((list) => [...list.filter((s) => s.id !== skill.id), skill].sort((a, b) => a.trigger.localeCompare(b.trigger)));
    setOpen(null);
  };

  async function onDelete(s: SkillSettings) {
    if (!window.confirm(`Delete the skill "${s.name}" (:${s.trigger})? Mentions of :${s.trigger} will stop working.`)) return;
    const result = await remove.run(s.id);
    if (result.ok) {
      if (open === s.id) setOpen(null);
      setSkills((list) => list.filter((x) => x.id !== s.id));
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        {/* With no skills the empty state below says so; saying it here too showed "No skills yet" twice. */}
        <p className="text-sm text-slate-500">{skills.length > 0 && `${skills.length} ${skills.length === 1 ? "skill" : "skills"}`}</p>
        {open !== "new" && (
          <button type="button" className="btn-primary" onClick={() => setOpen("new")}>
            New skill
          </button>
        )}
      </div>
      {open === "new" && (
        <div className="card p-5">
          <SkillForm slug={slug} providers={providers} onDone={saved} onCancel={() => setOpen(null)} />
        </div>
      )}
      <FormError message={remove.error?.message} />
      {skills.length === 0 ? (
        open !== "new" && <EmptyState title="No skills yet">A skill is a reusable instruction: mention it as @claude:fix-bug.</EmptyState>
      ) : (
        <ul className="card divide-y divide-slate-100" aria-label="Skills">
          {skills.map((s) =>
            open === s.id ? (
              <li key={s.id} className="p-5">
                <SkillForm slug={slug} skill={s} providers={providers} onDone={saved} onCancel={() => setOpen(null)} />
              </li>
            ) : (
              <li key={s.id} className="flex items-start gap-3 px-5 py-4">
                <SkillSummary skill={s} providers={providers} />
                <div className="flex shrink-0 gap-1">
                  <button type="button" className="btn-ghost px-2 py-1" aria-label={`Edit ${s.name}`} onClick={() => setOpen(s.id)}>
                    Edit
                  </button>
                  <button type="button" className="btn-danger px-2 py-1" aria-label={`Delete ${s.name}`} onClick={() => onDelete(s)} disabled={remove.pending}>
                    Delete
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
    </div>
  );
}
