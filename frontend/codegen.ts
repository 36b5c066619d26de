import type { CodegenConfig } from '@graphql-codegen/cli';

// Every operation the app sends is typed from the server's schema. `npm run codegen` writes
// src/gql/; `npm run codegen:check` fails when that is stale against ../schema.graphql.
const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    [process.env.CODEGEN_OUT ?? './src/gql/']: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
          Upload: 'File',
        },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
      },
    },
  },
};

export default config;
