/**
 * Scalar renders its theme (its colour variables) and any custom CSS in a `<style>` element,
 * which the page's CSP blocks (`style-src 'self'`, nothing inline). Vue resolves that element
 * through the app's registered components first, so registering this one as `style` puts it in
 * the element's place: it applies the same CSS through a constructed stylesheet, which is the
 * CSS object model from the page's own script, not inline markup, and so not governed by CSP.
 *
 * A plain object (Vue's options form), so the entry needs no import of Vue itself.
 */

/** What Vue gives the component as `this`: its one prop. */
interface StyleInstance {
  readonly innerHTML: string;
}

const sheets = new WeakMap<StyleInstance, CSSStyleSheet>();

/** Puts the instance's CSS in its constructed stylesheet, adopting the sheet on first use. */
const apply = (instance: StyleInstance): void => {
  let sheet = sheets.get(instance);
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheets.set(instance, sheet);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }
  sheet.replaceSync(instance.innerHTML);
};

/** The component to register as `style` on Scalar's Vue app, before it mounts. */
export const constructedStyle = {
  name: 'ConstructedStyle',
  props: { innerHTML: { type: String, default: '' } },
  mounted(this: StyleInstance): void {
    apply(this);
  },
  updated(this: StyleInstance): void {
    apply(this);
  },
  unmounted(this: StyleInstance): void {
    const sheet = sheets.get(this);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((adopted) => adopted !== sheet);
    sheets.delete(this);
  },
  render: (): null => null,
} as const;
