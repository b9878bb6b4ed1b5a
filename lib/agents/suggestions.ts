import type { MentionAttrs } from "@/lib/editor/mention-node";
import type { AgentPicker } from "./picker";

/** One row of the `@` menu; `insert` replaces the typed `@query`. */
export type SuggestionItem = {
  kind: "agent" | "member" | "skill" | "no-skill";
  /** Heading the row is grouped under: the provider group, "People" or "Skills". */
  group: string;
  label: string;
  detail: string;
  insert: string;
  /** The menu stays open after picking (an agent: its skills come next). */
  keepOpen?: boolean;
  /** Picking inserts this chip (one atomic mention) instead of the `insert` text. */
  chip?: MentionAttrs;
};

type AgentRef = { provider: string | null; variant: string | null; label: string };
const agentChip = (a: AgentRef, skill: string | null): MentionAttrs => ({ kind: "agent", id: null, label: a.label, provider: a.provider, variant: a.variant, skill });

/** The agent a typed token names (`claude-opus`, `claude`, or "" for a skill's default agent). */
function agentRef(picker: AgentPicker, token: string): AgentRef {
  for (const p of picker.providers) {
    if (p.slug === token) return { provider: p.slug, variant: null, label: p.name };
    const v = p.variants.find((v) => `${p.slug}-${v.slug}` === token);
    if (v) return { provider: p.slug, variant: v.slug, label: v.name };
  }
  return { provider: null, variant: null, label: "" };
}

const MAX_ITEMS = 12;
const matches = (q: string, ...fields: string[]) => q === "" || fields.some((f) => f.toLowerCase().includes(q));

function skillItems(picker: AgentPicker, agent: string, q: string): SuggestionItem[] {
  const ref = agentRef(picker, agent);
  return picker.skills
    .filter((s) => matches(q, s.trigger, s.name))
    .map((s) => ({
      kind: "skill" as const,
      group: "Skills",
      label: s.name,
      detail: `:${s.trigger}${s.description ? ` · ${s.description}` : ""}`,
      insert: `@${agent}:${s.trigger} `,
      chip: agentChip(ref, s.trigger),
    }));
}

/**
 * The `@` menu for what follows `@`: agents grouped by provider and people; once an agent is
 * complete (or after `agent:`), that agent's skills. Only enabled, connected agents appear.
 */
export function suggestionItems(picker: AgentPicker, rawQuery: string): SuggestionItem[] {
  const query = rawQuery.toLowerCase();
  const colon = query.indexOf(":");
  const agents = picker.providers.flatMap((p) =>
    p.variants.map((v) => ({ token: `${p.slug}-${v.slug}`, provider: p.slug, group: p.group, label: v.name, isDefault: v.isDefault })),
  );

  if (colon >= 0) {
    const agent = query.slice(0, colon);
    // `@:skill` uses the skill's default agent; otherwise the agent must be one that can run.
    if (agent !== "" && !agents.some((a) => a.token === agent || a.provider === agent)) return [];
    return skillItems(picker, agent, query.slice(colon + 1)).slice(0, MAX_ITEMS);
  }

  const exact = agents.find((a) => a.token === query);
  if (exact && picker.skills.length > 0) {
    return [{ kind: "no-skill" as const, group: "Skills", label: "No skill", detail: "Just the comment", insert: `@${exact.token} `, chip: agentChip(agentRef(picker, exact.token), null) }, ...skillItems(picker, exact.token, "")].slice(0, MAX_ITEMS);
  }

  const agentRows: SuggestionItem[] = agents
    .filter((a) => matches(query, a.token, a.label))
    .map((a) => ({
      kind: "agent",
      group: a.group,
      label: a.label,
      detail: `@${a.token}${a.isDefault ? " · default" : ""}`,
      insert: picker.skills.length > 0 ? `@${a.token}` : `@${a.token} `,
      keepOpen: picker.skills.length > 0,
      // With skills to pick, the agent's text stays open for them; the chip comes with the skill (or "No skill").
      ...(picker.skills.length > 0 ? {} : { chip: agentChip(agentRef(picker, a.token), null) }),
    }));
  const people: SuggestionItem[] = picker.members
    .filter((m) => matches(query, m.name))
    .map((m) => ({ kind: "member", group: "People", label: m.name, detail: "", insert: `@${m.name.replace(/\s+/g, "")} `, chip: { kind: "user", id: m.id, label: m.name, provider: null, variant: null, skill: null } }));
  return [...agentRows, ...people].slice(0, MAX_ITEMS);
}
