export { renderYaml, highlightYaml, toYamlText, scalarStyle, type YamlOptions } from './yaml.js';
export { renderDescribe } from './describe.js';
export { renderDetail, podSpecOf } from './detail.js';
export { renderDecodedSecret } from './secret-decoded.js';
export { eventsAbout, eventIsAbout, eventInterval, rfc1123z } from './describe-meta.js';
export { alignRows, type Cell, type Row } from './tabwriter.js';
export { spans, plain, truncate, type Line, type Span, type Style } from './lines.js';
