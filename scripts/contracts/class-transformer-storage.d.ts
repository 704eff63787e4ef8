// class-transformer ships its metadata storage (which class-validator-jsonschema needs to follow
// `@Type`) without a declaration at this path.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
