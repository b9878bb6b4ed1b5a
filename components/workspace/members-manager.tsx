"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { addMemberAction } from "@/app/actions/add-member";
import { changeMemberRoleAction } from "@/app/actions/change-member-role";
import { removeMemberAction } from "@/app/actions/remove-member";
import { Avatar } from "@/components/ui/avatar";
import { Field, FormError } from "@/components/ui/field";
import { useServerAction } from "@/components/ui/use-server-action";

type Role = "admin" | "member" | "guest";
type Member = { userId: string; name: string; email: string; role: Role };
type Props = { slug: string; isAdmin: boolean; currentUserId: string; members: Member[] };

const ROLES: { value: Role; label: string }[] = [
  { value: "admin", label: "Admin" },
  { value: "member", label: "Member" },
  { value: "guest", label: "Guest (read only)" },
];

export function MembersManager({ slug, isAdmin, currentUserId, members }: Props) {
  const router = useRouter();
  const add = useServerAction((input: { email: string; role: string }) => addMemberAction(slug, input));
  const change = useServerAction((input: { userId: string; role: string }) => changeMemberRoleAction(slug, input.userId, input.role));
  const remove = useServerAction((userId: string) => removeMemberAction(slug, userId));
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");

  async function onAdd(e: React.FormEvent) {
    e.preventDefault();
    const result = await add.run({ email, role });
    if (result.ok) {
      setEmail("");
      router.refresh();
    }
  }

  async function onRemove(m: Member) {
    const self = m.userId === currentUserId;
    if (!window.confirm(self ? "Leave this workspace?" : `Remove ${m.name} from this workspace?`)) return;
    const result = await remove.run(m.userId);
    if (!result.ok) return;
    if (result.data.left) router.push("/");
    else router.refresh();
  }

  const rowError = change.error?.message ?? remove.error?.message;

  return (
    <div className="space-y-6">
      {isAdmin && (
        <form onSubmit={onAdd} className="card grid gap-4 p-5 sm:grid-cols-[1fr_12rem_auto] sm:items-end" noValidate>
          <Field label="Add by email" error={add.fieldError("email")}>
            {(p) => <input {...p} className="input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="teammate@example.com" />}
          </Field>
          <Field label="Role" error={add.fieldError("role")}>
            {(p) => (
              <select {...p} className="input" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="btn-primary" disabled={add.pending}>
            Add member
          </button>
          <div className="sm:col-span-3">
            <FormError message={add.formError} />
          </div>
        </form>
      )}
      <FormError message={rowError} />
      <ul className="card divide-y divide-slate-100" aria-label="Members">
        {members.map((m) => (
          <li key={m.userId} className="flex items-center gap-3 px-4 py-3">
            <Avatar name={m.name} />
            <div className="min-w-0 flex-1">
              <p className="truncate text-sm font-medium">
                {m.name}
                {m.userId === currentUserId && <span className="ml-1.5 text-xs font-normal text-slate-400">(you)</span>}
              </p>
              <p className="truncate text-xs text-slate-500">{m.email}</p>
            </div>
            {isAdmin ? (
              <select
                aria-label={`Role of ${m.name}`}
                className="input w-36 py-1.5"
                value={m.role}
                disabled={change.pending}
                onChange={async (e) => {
                  const result = await change.run({ userId: m.userId, role: e.target.value });
                  if (result.ok) router.refresh();
                }}
              >
                {ROLES.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            ) : (
              <span className="text-xs capitalize text-slate-500">{m.role}</span>
            )}
            {(isAdmin || m.userId === currentUserId) && (
              <button type="button" className="btn-danger px-2 py-1" onClick={() => onRemove(m)} disabled={remove.pending}>
                {m.userId === currentUserId ? "Leave" : "Remove"}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
