export { baseMediaType, charsetOf, mediaTypeFromFileName } from './media-type.js';
export { type OpenUserUrlOptions, openUserUrl, type UserUrlContent } from './open-user-url.js';
export { type PrivateHostAllowList, parsePrivateHostAllowList } from './private-host-allow-list.js';
export { type ResolveUserFileOptions, resolveUserFile, type UserFile } from './resolve-user-file.js';
