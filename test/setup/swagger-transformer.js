// ts-jest runs the @nestjs/swagger plugin `nest build` runs (same options, from nest-cli.json),
// so the OpenAPI document tests see is the one users get.
const { before } = require('@nestjs/swagger/plugin');

const { options } = require('../../nest-cli.json').compilerOptions.plugins.find(
  (plugin) => plugin.name === '@nestjs/swagger',
);

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 1;
module.exports.factory = (compiler) => before(options, compiler.program);
