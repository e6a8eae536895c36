// plugin_on_event; re-export it from a plugin's entry file to receive watch events:
//   export * from "@kubetile/sdk/events";
export * from "./assembly/events";
