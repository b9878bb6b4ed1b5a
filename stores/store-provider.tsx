"use client";

import { createContext, useContext, useState } from "react";
import { addCommentAction, deleteCommentAction, editCommentAction } from "@/app/actions/comments";
import { RootStore } from "./root-store";

const StoreContext = createContext<RootStore | null>(null);

export function StoreProvider({ children }: { children: React.ReactNode }) {
  const [store] = useState(
    () => new RootStore({ issue: { addComment: addCommentAction, editComment: editCommentAction, deleteComment: deleteCommentAction } }),
  );
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

export function useIssueStore() {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useIssueStore must be used inside <StoreProvider>");
  return store.issue;
}
