// No false positives on modern BuildKit syntax: flags, mounts, heredocs and directives that the
// Dockerfile frontend accepts today produce no error and no warning.
import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-types';
import { computeDiagnostics } from '../../../server/src/diagnostics';
import { documentOf, environmentWith } from './helpers';

const modern = `# syntax=docker/dockerfile:1.7
# check=error=true
ARG GO_VERSION=1.24
FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION}-alpine AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
RUN --mount=type=cache,target=/go/pkg/mod,sharing=locked \\
    --mount=type=bind,source=go.mod,target=go.mod \\
    --mount=type=secret,id=netrc,target=/root/.netrc,required=true \\
    --mount=type=ssh \\
    --network=none \\
    GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app ./cmd/app
RUN --security=sandbox --device=vendor.com/gpu=0 true
RUN <<EOF
set -eu
echo "building $TARGETARCH"
EOF
COPY <<-EOT /etc/app.conf
\tlisten = 8080
\tEOT
FROM alpine:3.22
COPY --link --chmod=0755 --from=build /out/app /usr/local/bin/app
COPY --parents --exclude=*.md --exclude=docs/ ./config/ /etc/app/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0d4b9c0d24d --unpack=true https://example.com/tool.tar.gz /opt/
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.16.0 /src/buildkit
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --start-interval=1s --retries=3 CMD ["app", "health"]
USER 65532:65532
EXPOSE 8080/tcp 53/udp
ENTRYPOINT ["/usr/local/bin/app"]
`;

describe('server: modern syntax', () => {
  it('raises no error or warning on modern BuildKit syntax', () => {
    const diagnostics = computeDiagnostics(documentOf(modern), environmentWith());
    const loud = diagnostics.filter(
      (d) => d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning,
    );
    assert.deepEqual(
      loud.map((d) => `${d.range.start.line + 1}: ${d.code ?? ''} ${d.message}`),
      [],
    );
  });
});
