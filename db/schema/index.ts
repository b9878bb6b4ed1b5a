export * from "./host";
export * from "./agents";
export * from "./connections";
export * from "./inbox";
export * from "./labels";
