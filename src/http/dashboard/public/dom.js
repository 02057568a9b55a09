// Building the dashboard's DOM by hand: elements are made with createElement and text goes in as text nodes, so
// nothing the gateway sends (a transcript, a summary) is ever parsed as HTML.
/* global document */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** h('td', { class: 'num' }, '42'): attributes (false/null/undefined skipped), then children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** The same for SVG elements. */
export function s(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attributes, children);
}

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/** Replaces what `container` shows. */
export function show(container, ...children) {
  container.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

/** A paragraph that says there is nothing to show, in words. */
export function empty(text) {
  return h('p', { class: 'empty' }, text);
}
