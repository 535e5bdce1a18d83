// The scripts `berth completion bash|zsh` prints. They hold no verb or flag of their own: each TAB
// asks `berth __complete -- WORDS…` (the berth the user typed, so a newer berth completes its own
// verbs), which prints one candidate per line, `value<TAB>description`. No candidate: the shell
// completes file names.

export const bashScript = `# bash completion for berth. Load it in this shell with
#   source <(berth completion bash)
# or for every shell: berth completion bash > /etc/bash_completion.d/berth
_berth_complete() {
  local line=\${COMP_LINE:0:COMP_POINT}
  local -a words
  read -ra words <<<"$line"
  [[ $line == *[[:space:]] ]] && words+=("")
  # bash splits words at COMP_WORDBREAKS (= and :), so busybox:1.36 and --format=json reach here
  # in pieces: berth completes the whole word, and the part before bash's current piece is cut off.
  local cur=\${COMP_WORDS[COMP_CWORD]}
  [[ $cur == [=:] ]] && cur=""
  local word=\${words[\${#words[@]}-1]}
  local prefix=\${word%"$cur"}
  local candidate
  COMPREPLY=()
  while IFS= read -r candidate; do
    candidate=\${candidate%%$'\\t'*}
    [[ -n $candidate && $candidate == "$prefix"* ]] && COMPREPLY+=("\${candidate#"$prefix"}")
  done < <("\${words[0]}" __complete -- "\${words[@]:1}" 2>/dev/null)
}
complete -o default -F _berth_complete berth
`;

export const zshScript = `#compdef berth
# zsh completion for berth. Load it in this shell with
#   source <(berth completion zsh)
# or for every shell: berth completion zsh > "\${fpath[1]}/_berth"
_berth() {
  local -a values descriptions
  local line
  for line in "\${(@f)$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
    [[ -z $line ]] && continue
    values+=("\${line%%$'\\t'*}")
    if [[ $line == *$'\\t'* ]]; then
      descriptions+=("\${line%%$'\\t'*}  -- \${line#*$'\\t'}")
    else
      descriptions+=("$line")
    fi
  done
  if (( \${#values} )); then
    compadd -l -d descriptions -- "\${values[@]}"
  else
    _files
  fi
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _berth "$@"
else
  compdef _berth berth
fi
`;
