# bash completion for vmtest(1): flags, the values of flags that take a
# fixed set (reporters, backends, shares), files where a flag takes a path,
# and the target names of the vmtest.toml in use (vmtest --list, which boots
# and downloads nothing) after -f/--filter.

_vmtest_flags='--config --filter --kernel --kargs --kvm-cpu-args --rootfs --arch
  --qemu-command --backend --share --modules --runner --timeout --kernel-splats
  --reporter --plugin-option --jobs --plugin-path --list-plugins --shard --list
  --json --verbose --version --help -c -f -k -r -a -q -j -v -V -h'

# The config file the words typed so far name (-c, --config, --config=).
_vmtest_config() {
    local i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case "${COMP_WORDS[i]}" in
            -c | --config) printf '%s' "${COMP_WORDS[i + 1]}"; return ;;
            --config=*) printf '%s' "${COMP_WORDS[i]#--config=}"; return ;;
        esac
    done
}

# Installed reporter plugins, as `vmtest --list-plugins` names them.
_vmtest_reporters() {
    local IFS=$' \t\n' names
    names=$("${COMP_WORDS[0]}" --list-plugins 2>/dev/null |
        awk '$1 == "reporter" { print $2 }')
    printf '%s\n' ${names:-console junit tap markdown}
}

_vmtest() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    case "$prev" in
        -c | --config | -k | --kernel | --modules | -q | --qemu-command)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        -r | --rootfs | --plugin-path)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        -f | --filter)
            local config list
            config=$(_vmtest_config)
            list=("${COMP_WORDS[0]}" --list)
            [ -n "$config" ] && list+=(-c "$config")
            # A name is a regex to --filter: its regex characters escaped,
            # then quoted for the shell (names may hold spaces).
            local name
            while IFS= read -r name; do
                name=$(sed 's/[][\.*^$+?(){}|]/\\&/g' <<<"$name")
                [[ $name == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$name")")
            done < <("${list[@]}" 2>/dev/null)
            return
            ;;
        --reporter)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(_vmtest_reporters)" -- "${cur%%=*}"))
            return
            ;;
        --backend)
            COMPREPLY=($(compgen -W "auto qemu-kvm qemu-tcg" -- "$cur"))
            return
            ;;
        --share)
            COMPREPLY=($(compgen -W "9p virtiofs auto" -- "$cur"))
            return
            ;;
        --runner)
            COMPREPLY=($(compgen -W "qga" -- "$cur"))
            return
            ;;
        -a | --arch)
            COMPREPLY=($(compgen -W "x86_64 aarch64" -- "$cur"))
            return
            ;;
        --kernel-splats)
            COMPREPLY=($(compgen -W "fail warn ignore" -- "$cur"))
            return
            ;;
        --plugin-option)
            COMPREPLY=($(compgen -W "backend. share. runner." -- "$cur"))
            return
            ;;
        --kargs | --kvm-cpu-args | --timeout | --shard | -j | --jobs)
            return
            ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_vmtest_flags" -- "$cur"))
    fi
}

complete -F _vmtest vmtest
