import { makeAutoObservable } from "mobx";

export type AgentChoice = { provider: string; variant: string };

/** The agent mode bar above the comment editor: which agents (and which skill) the next comment starts. */
export class ModeBarStore {
  enabled = false;
  agents: AgentChoice[] = [];
  skill: string | null = null;

  constructor() {
    makeAutoObservable(this);
  }

  toggle() {
    this.enabled = !this.enabled;
  }

  add(choice: AgentChoice) {
    if (!this.agents.some((a) => a.provider === choice.provider && a.variant === choice.variant)) this.agents.push(choice);
    this.enabled = true;
  }

  remove(choice: AgentChoice) {
    this.agents = this.agents.filter((a) => a.provider !== choice.provider || a.variant !== choice.variant);
  }

  setSkill(trigger: string | null) {
    this.skill = trigger;
  }

  /** After a successful send: the next comment starts from a clean bar, still open if it was. */
  clear() {
    this.agents = [];
    this.skill = null;
  }

  /** What the server action receives; nothing while the bar is off. */
  get request(): { provider_slug: string | null; variant_slug: string | null; skill_trigger: string | null }[] {
    if (!this.enabled) return [];
    // A skill alone runs on the skill's default agent, like `@:skill`.
    if (this.agents.length === 0) return this.skill ? [{ provider_slug: null, variant_slug: null, skill_trigger: this.skill }] : [];
    return this.agents.map((a) => ({ provider_slug: a.provider, variant_slug: a.variant, skill_trigger: this.skill }));
  }
}
