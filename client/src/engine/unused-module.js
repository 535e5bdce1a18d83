// Stands in for dockerode dependencies Berth never calls (gRPC and protobuf for BuildKit sessions,
// ssh2 for ssh:// hosts; see esbuild.mjs). Empty, because docker-modem reads `require('ssh2').Client`
// while loading.
module.exports = {};
