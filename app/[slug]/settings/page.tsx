import { redirect } from "next/navigation";

/** Agents are the only settings so far. */
export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  redirect(`/${slug}/settings/agents`);
}
