/**
 * Builders of outgoing messages, exported from the root as the `msg` namespace: `msg.text(to, body)`,
 * `msg.image(to, media)`, `msg.template(to, name, language, components)`... Each returns the plain Cloud
 * API body that `client.messages.send` and `queue.enqueue` take.
 */

export {
  audio,
  contacts,
  document,
  image,
  location,
  reaction,
  sticker,
  text,
  video,
} from './basic-builders.js';
export {
  buttons,
  catalog,
  ctaUrl,
  flow,
  list,
  locationRequest,
  product,
  productList,
} from './interactive-builders.js';
export { template, templateComponents, templateParams } from './template-builders.js';
