export * from "./host";
export * from "./agents";
export * from "./oauth";
export * from "./git";
export * from "./labels";
