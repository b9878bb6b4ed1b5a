export * from "./host";
export * from "./agents";
