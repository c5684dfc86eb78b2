"""Messages of the SSH door: signing in, terminals, downloads, the mouse, backups off the server."""

MESSAGES = {
    # signing in
    "ssh.no_terminal": ("jiaoyan 需要一个终端才能打开：请用 ssh -t 登录（PuTTY、Windows 终端直接连接即可），下载文件请用 scp 或 sftp。",
                        "jiaoyan needs a terminal to open: log in with ssh -t (PuTTY or Windows Terminal as usual); to fetch files use scp or sftp."),
    "ssh.signin.shared_account": ("这是共用账号 {account}，不能直接打开教研系统：每个人用自己的钥匙登录，身份由 authorized_keys 里钥匙那一行的 command=\"jiaoyan-ssh --as 登录名\" 决定。\n看到这句话，多半是 sshd_config 里的 ForceCommand 盖过了钥匙行的命令：请把共用账号排除在外（Match Group jiaoyan User !jiaoyan），再重启 sshd。不要把 {account} 填进教师名册。",
                                  "This is the shared account {account}; it does not open jiaoyan by itself: each person logs in with their own key, and the command=\"jiaoyan-ssh --as LOGIN\" on that key's line in authorized_keys says who they are.\nSeeing this nearly always means a ForceCommand in sshd_config overrides the key's command: leave the shared account out (Match Group jiaoyan User !jiaoyan) and restart sshd. Do not put {account} on the roster."),
    "ssh.signin.shared_on_roster": ("另外，名册里 {names} 的登录名是 {account}：这会让所有钥匙都变成这位老师。请教导处把它改回这位老师自己的登录名。",
                                    "Also, {names} has the login {account} on the roster: that would make every key holder this teacher. Ask the office to change it back to the teacher's own login."),
    "ssh.signin.deactivated": ("你好！你（{name}，登录名 {login}）在教师名册里已被停用，所以不能使用教研系统。如需继续使用，请教导处（管理员）在 名册 里选中你，按 d 重新启用。",
                               "Hello! You ({name}, login {login}) have been deactivated on the roster, so you cannot use jiaoyan. To use it again, ask the office (an admin) to select you in Rosters and press d to reactivate you."),
    "ssh.as_with_command": ("--as 只用来打开应用（共用账号钥匙行里的强制命令），不能和命令 {command} 一起用：命令总是以运行它的系统账号（{account}）的身份执行。",
                            "--as only opens the app (the forced command on a shared-account key); it cannot be used with the command {command}: commands always run as the system account that runs them ({account})."),
    # downloads
    "ssh.download.refused": ("{path}：只能下载你自己导出文件夹里的文件", "{path}: only files in your own export folder can be downloaded"),
    "ssh.download.unreadable": ("{path}：读不出来（{reason}）", "{path}: cannot be read ({reason})"),
    "ssh.download.no_folders": ("一次只能下载单个文件，不能下载文件夹", "only single files can be downloaded, not folders"),
    "ssh.download.no_upload": ("教研系统的服务器只提供下载（你自己导出的文件），不接收上传。", "The jiaoyan server only serves downloads (of your own exports); it takes no uploads."),
    "ssh.download.sftp_read_only": ("只读：只能下载你自己导出文件夹里的文件", "read-only: only files in your own export folder"),
    "ssh.download.refused_person": ("不能下载：{reason}", "Cannot download: {reason}"),
    "ssh.download.outside": ("这个文件不在你的导出文件夹里，不能用 scp 取回电脑；要取回请导出到 {folder}", "This file is outside your export folder and cannot be fetched with scp; to fetch it, export to {folder}"),
    "ssh.download.hint": ("在你的电脑上运行（Windows 命令提示符、PowerShell 或 macOS 终端）：{command}", "On your PC run (Windows cmd, PowerShell or macOS Terminal): {command}"),
    # the mouse
    "ssh.cli.mouse": ("使用鼠标（本机默认开；SSH 登录默认关，可在应用里切换并记住）", "use the mouse (on locally; off over SSH unless you turn it on in the app, which is remembered)"),
    "ssh.cli.no_mouse": ("不使用鼠标（慢速网络上更流畅）", "no mouse (smoother on slow links)"),
    "ssh.mouse.key": ("鼠标", "Mouse"),
    "ssh.mouse.palette": ("鼠标开/关", "Mouse on/off"),
    "ssh.mouse.palette_help": ("切换鼠标；你的选择会记住，下次登录照用", "Turn the mouse on or off; remembered for your next login"),
    "ssh.mouse.now_on": ("鼠标已打开（下次登录也开）。慢速网络上移动鼠标会发送很多数据，可随时再关。", "Mouse on (and at your next login). On a slow link moving the mouse sends a lot of data; turn it off any time."),
    "ssh.mouse.now_off": ("鼠标已关闭（下次登录也关）。终端里仍可用鼠标选中、复制文字。", "Mouse off (and at your next login). Your terminal can still select and copy text with the mouse."),
    # doctor
    "ssh.doctor.launcher": ("启动脚本 jiaoyan-ssh 会设置：umask 007（新文件组内可写、其他人不可见）、UTF-8 语言环境（没有时用 C.UTF-8）、TERM（客户端没发时用 xterm-256color）；以下按它设置后的环境检查。",
                            "The launcher jiaoyan-ssh sets umask 007 (new files group-writable, hidden from others), a UTF-8 locale (C.UTF-8 when there is none) and TERM (xterm-256color when the client sent none); the checks below use the environment it sets."),
    "ssh.doctor.umask_shell": ("这个 shell 的 umask 是 {value}：不影响教研系统，jiaoyan 和 jiaoyan-ssh 运行时都改用 007。",
                               "This shell's umask is {value}: it does not matter to jiaoyan, which (like jiaoyan-ssh) runs with 007."),
    "ssh.doctor.locale_fallback": ("语言编码：这里没有 UTF-8（{value}），jiaoyan-ssh 会改用 C.UTF-8", "Locale: no UTF-8 here ({value}); jiaoyan-ssh switches to C.UTF-8"),
    "ssh.doctor.shared_on_roster": ("名册里 {names} 的登录名是共用账号 {account}：钥匙的 --as 一旦被 ForceCommand 盖过，所有钥匙都会变成这位老师。请在 名册 里把它改回这位老师自己的登录名；共用账号不能出现在名册里。",
                                    "{names} has the shared account's name {account} as login: whenever a ForceCommand overrides a key's --as, every key holder becomes this teacher. Change it back to the teacher's own login in Rosters; the shared account must never be on the roster."),
    "ssh.doctor.forcecommand_shared": ("sshd_config 给共用账号 {account} 设了 ForceCommand（{command}）：它会盖过每把钥匙的 --as，谁都登不进来。请把共用账号排除在外：Match Group jiaoyan User *,!{account}，然后 systemctl reload ssh",
                                       "sshd_config gives the shared account {account} a ForceCommand ({command}): it overrides every key's --as, so nobody gets in. Leave the account out: Match Group jiaoyan User *,!{account}, then systemctl reload ssh"),
    "ssh.doctor.you_are_shared": ("你是共用账号 {account}：这里没有谁的身份，钥匙行的 --as 才决定是谁", "You are the shared account {account}: it is nobody; each key's --as says who"),
    "ssh.doctor.deactivated": ("登录名 {login} 属于已停用的 {name}：请管理员在名册里重新启用", "The login {login} belongs to {name}, who is deactivated: an admin can reactivate them in Rosters"),
    "ssh.doctor.mouse": ("鼠标：{state}（SSH 登录默认关；在应用里按 ctrl+o 或用命令面板切换，会记住；强制命令里也可加 --mouse 或 --no-mouse）",
                         "Mouse: {state} (off by default over SSH; toggle it in the app with ctrl+o or the palette, remembered; or add --mouse / --no-mouse to the forced command)"),
    "ssh.doctor.exports": ("导出文件夹 {path}：每人一个子文件夹，可用 scp/sftp 下载", "Export folders {path}: one per person, downloadable with scp/sftp"),
    # init and backups
    "ssh.init.admin": ("第一位管理员的登录名（共用账号时是钥匙行 --as 后面的名字；默认用运行者的登录名）", "the first admin's login (with a shared account: the name after --as on their key's line; default: your own login)"),
    "ssh.init.root_needs_admin": ("你正以 root 运行：root 不能做学校的管理员。请写明第一位管理员：jiaoyan-ssh init --db {path} --admin 登录名 --name 姓名",
                                  "You are running as root, and root cannot be the school's admin. Name the first admin: jiaoyan-ssh init --db {path} --admin LOGIN --name NAME"),
    "ssh.init.shared_admin": ("{login} 是共用账号，不能做管理员：请写这位老师自己的登录名（她钥匙行里 --as 后面的名字）。", "{login} is the shared account and cannot be the admin: give the teacher's own login (the name after --as on her key's line)."),
    "ssh.init.bad_login": ("“{login}”不是合法的登录名（字母、数字、. _ -，以字母或数字开头）", "\"{login}\" is not a valid login (letters, digits, . _ -, starting with a letter or digit)"),
    "ssh.init.first_backup": ("第一份备份：{path}", "First backup: {path}"),
    "ssh.backup.to": ("把备份另存到这个文件夹（如 NAS 或 U 盘的挂载点），供每晚定时任务使用", "also write the backup into this folder (a NAS or USB disk mount), for a nightly cron job"),
    "ssh.backup.to_missing": ("备份文件夹 {path} 不存在或不是文件夹：请先挂载或创建它。", "The backup folder {path} does not exist or is not a folder: mount or create it first."),
    "ssh.backup.to_failed": ("不能写入备份文件夹 {path}：{reason}", "Cannot write to the backup folder {path}: {reason}"),
    "ssh.backup.to_done": ("已另存到 {path}（{count} 个文件）", "Also written to {path} ({count} files)"),
}

# Textual's own words, in the user's language (tui/app.py, tui/palette.py).
# Textual's own words, in the user's language (tui/app.py, screens/widgets/palette.py).
MESSAGES.update({
    "textual.quit_title": ("要退出吗？", "Do you want to quit?"),
    "textual.quit_prompt": ("按 Ctrl+Q 退出教研系统（不在输入框里时按 {quit_key} 也行）；Ctrl+C 在输入框里是复制。", "Press Ctrl+Q to quit jiaoyan ({quit_key} outside a text field); in a text field Ctrl+C copies."),
    "textual.theme": ("配色", "Theme"),
    "textual.theme_help": ("换一套界面配色", "Change the colours of the interface"),
    "textual.theme_search": ("搜索配色…", "Search for themes…"),
    "textual.quit": ("退出", "Quit"),
    "textual.quit_help": ("立即退出教研系统", "Quit jiaoyan now"),
    "textual.maximize": ("放大", "Maximize"),
    "textual.maximize_help": ("把当前区域放大到整个窗口", "Maximize the focused widget"),
    "textual.minimize": ("还原", "Minimize"),
    "textual.minimize_help": ("把放大的区域还原", "Restore the maximized widget"),
    "textual.no_matches": ("没有找到匹配的功能", "No matches found"),
})

# 从备份恢复 (screens/dialogs/restore.py)
MESSAGES.update({
    "ssh.restore.title": ("从备份恢复", "Restore from a backup"),
    "ssh.restore.palette_help": ("把全校数据恢复到某份备份的样子（仅管理员）", "Put the whole school back as a backup holds it (admins only)"),
    "ssh.restore.key_open": ("恢复", "Restore"),
    "ssh.restore.key": ("恢复", "Restore"),
    "ssh.restore.intro": ("恢复会把所有人的数据换成所选备份里的样子；现在的数据会先另存一份。", "Restoring replaces everyone's data with the chosen backup; the current data is kept first."),
    "ssh.restore.none": ("还没有备份。", "No backups yet."),
    "ssh.restore.confirm": ("再按一次 enter，用 {label} 恢复全校数据。", "Press enter again to restore the whole school from {label}."),
    "ssh.restore.done": ("已用 {label} 恢复全校数据；原来的数据另存在 {kept}", "Restored the school from {label}; the data it replaced is kept at {kept}"),
    "ssh.restore.admin_only": ("只有教导处（管理员）可以从备份恢复。", "Only the office (an admin) may restore from a backup."),
    "ssh.restore.kind.daily": ("每天第一次修改前", "before the day's first change"),
    "ssh.restore.kind.manual": ("手动备份", "made by hand"),
    "ssh.restore.kind.init": ("新建时", "when created"),
    "ssh.restore.kind.before-restore": ("恢复前", "before a restore"),
    "ssh.restore.kind.migration": ("升级前", "before an upgrade"),
})
