import rehypeParse from "rehype-parse";
import rehypeSanitize from "rehype-sanitize";
import rehypeStringify from "rehype-stringify";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import remarkRehype from "remark-rehype";
import { unified } from "unified";
import { commentSanitizeSchema, rehypeSafeLinks, sanitizeSchema } from "./sanitize-schema";

// Raw HTML inside markdown is dropped by remark-rehype (no allowDangerousHtml); the sanitizer runs last anyway.
const markdownProcessor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype)
  .use(rehypeSanitize, sanitizeSchema)
  .use(rehypeSafeLinks)
  .use(rehypeStringify)
  .freeze();

const htmlProcessor = unified()
  .use(rehypeParse, { fragment: true })
  .use(rehypeSanitize, commentSanitizeSchema)
  .use(rehypeSafeLinks)
  .use(rehypeStringify)
  .freeze();

/** Markdown (from members or agents, both untrusted) to HTML that is safe to inject. */
export function renderMarkdown(markdown: string): string {
  return String(markdownProcessor.processSync(markdown));
}

/** Any HTML fragment to the same safe subset. */
export function sanitizeHtml(html: string): string {
  return String(htmlProcessor.processSync(html));
}
