import type { Element, Root } from "hast";
import { defaultSchema, type Options as SanitizeSchema } from "rehype-sanitize";
import { visit } from "unist-util-visit";

/** GitHub's allow-list: no scripts, no event handlers, no javascript:/data: URLs, no iframes or SVG. */
export const sanitizeSchema = defaultSchema;

/** Comments rendered from editor documents also keep mention chips: a span with its data attributes (inert text). */
export const commentSanitizeSchema: SanitizeSchema = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    span: [...(defaultSchema.attributes?.span ?? []), ["dataType", "mention"], "dataKind", "dataProvider", "dataVariant", "dataSkill", "dataUserId", "dataLabel"],
  },
};

/**
 * Runs after the sanitizer. Images become links (a remote image is fetched without a click and can
 * carry data out in its URL), and every link opens in a new tab without a referrer or an opener.
 */
export function rehypeSafeLinks() {
  return (tree: Root) => {
    visit(tree, "element", (node: Element, index, parent) => {
      if (node.tagName === "img" && parent && typeof index === "number") {
        const src = typeof node.properties.src === "string" ? node.properties.src : "";
        const alt = typeof node.properties.alt === "string" && node.properties.alt ? node.properties.alt : src;
        const link: Element = {
          type: "element",
          tagName: "a",
          properties: src ? { href: src } : {},
          children: [{ type: "text", value: `image: ${alt || "(no address)"}` }],
        };
        parent.children[index] = link;
        node = link;
      }
      if (node.tagName === "a" && typeof node.properties.href === "string") {
        node.properties.rel = ["nofollow", "noopener", "noreferrer"];
        node.properties.target = "_blank";
      }
    });
  };
}
