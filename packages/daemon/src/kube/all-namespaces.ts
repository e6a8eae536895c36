/**
 * How a key of a shared reader (informers, metrics) says "every namespace": something no namespace
 * name can be (they are DNS labels). It was `*`, which a caller passing the tab's `*` on as a
 * namespace shared: its failed reader became the all-namespaces one, and every all-namespaces list
 * showed the error.
 */
export const ALL_NAMESPACES_KEY = '(all namespaces)';
