"use client";

import { createContext, useContext, useEffect, useState } from "react";
import { cancelSessionAction, getSessionCardAction } from "@/app/actions/agent-sessions";
import { addCommentAction, deleteCommentAction, editCommentAction } from "@/app/actions/comments";
import { RootStore } from "./root.store";

const StoreContext = createContext<RootStore | null>(null);

export function StoreProvider({ children }: { children: React.ReactNode }) {
  const [store] = useState(
    () =>
      new RootStore({
        issue: { addComment: addCommentAction, editComment: editCommentAction, deleteComment: deleteCommentAction },
        agent: { getSessionCard: getSessionCardAction, cancelSession: cancelSessionAction },
      }),
  );
  // Leaving the page closes every stream.
  useEffect(() => () => store.agent.dispose(), [store]);
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

function useRootStore(hook: string) {
  const store = useContext(StoreContext);
  if (!store) throw new Error(`${hook} must be used inside <StoreProvider>`);
  return store;
}

export const useIssueStore = () => useRootStore("useIssueStore").issue;
export const useAgentStore = () => useRootStore("useAgentStore").agent;
export const useAgentsBoardStore = () => useRootStore("useAgentsBoardStore").agentsBoard;
