; 便民服务站考核: the Windows installer (NSIS 3, Unicode, Simplified Chinese pages).
;
; installer/build.py compiles this after PyInstaller and passes:
;   VERSION       0.1.0                 FILE_VERSION  0.1.0.0 (four numbers, for Windows)
;   BUNDLE        the one-folder program (dist\kaohe)
;   OUTFILE       the setup program to write
;   ICON          resources\icons\kaohe.ico
;   FAST_COMPRESSION (optional) zlib instead of solid LZMA, for tests
; By hand, from the installer folder: makensis /INPUTCHARSET UTF8 /DVERSION=0.1.0 kaohe.nsi
;
; Installs for the current user, with no administrator rights (office PCs often have none),
; into %LOCALAPPDATA%\Programs\便民服务站考核. The data folder (%LOCALAPPDATA%\kaohe_desktop:
; databases, backups) and the settings (HKCU\Software\kaohe_desktop\便民服务站考核) belong
; to the user: neither an upgrade nor the uninstaller touches them.

Unicode true

!ifndef VERSION
  !error "VERSION 未定义：请运行 python installer/build.py，或 makensis /DVERSION=x.y.z kaohe.nsi"
!endif
!ifndef FILE_VERSION
  !define FILE_VERSION "${VERSION}.0"
!endif
!ifndef BUNDLE
  !define BUNDLE "..\dist\kaohe"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\kaohe-setup-${VERSION}.exe"
!endif
!ifndef ICON
  !define ICON "..\resources\icons\kaohe.ico"
!endif

!define PRODUCT_NAME "便民服务站考核"
!define EXE "kaohe.exe"
!define SETTINGS_KEY "Software\kaohe_desktop"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\kaohe_desktop"
!define DATA_DIR "$LOCALAPPDATA\kaohe_desktop"

!ifdef FAST_COMPRESSION
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
!endif

Name "${PRODUCT_NAME} ${VERSION}"
Caption "${PRODUCT_NAME} ${VERSION} 安装"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT_NAME}"
InstallDirRegKey HKCU "${SETTINGS_KEY}" "InstallDir"
RequestExecutionLevel user
ShowInstDetails show
ShowUninstDetails show
BrandingText " "

!include "MUI2.nsh"
!include "x64.nsh"
!include "WinVer.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "欢迎安装${PRODUCT_NAME}"
!define MUI_WELCOMEPAGE_TEXT "本程序用于社区、村便民服务站（室）的考核管理：名册、评分、考勤、排名与证书，全程离线运行，不需要联网。$\r$\n$\r$\n安装不需要管理员权限。升级安装会保留原有的考核数据。$\r$\n$\r$\n点击“下一步”继续。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即运行${PRODUCT_NAME}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从本机卸载${PRODUCT_NAME}程序。$\r$\n考核数据（${DATA_DIR} 中的数据库和备份）会保留，重新安装后可继续使用。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_UNPAGE_FINISH

!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${FILE_VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${PRODUCT_NAME}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${PRODUCT_NAME} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "MIT 许可"

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin8.1}
    MessageBox MB_ICONSTOP|MB_OK "${PRODUCT_NAME}需要 64 位的 Windows 8.1、Windows 10 或更高版本。" /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

Section "程序文件" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An upgrade: the old program files go first, so no module of the old version stays behind.
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*"

  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "${SETTINGS_KEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\""
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1

  CreateDirectory "$SMPROGRAMS\${PRODUCT_NAME}"
  CreateShortCut "$SMPROGRAMS\${PRODUCT_NAME}\${PRODUCT_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
  CreateShortCut "$SMPROGRAMS\${PRODUCT_NAME}\卸载${PRODUCT_NAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortCut "$DESKTOP\${PRODUCT_NAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
SectionEnd

Section "Uninstall"
  Delete "$DESKTOP\${PRODUCT_NAME}.lnk"
  RMDir /r "$SMPROGRAMS\${PRODUCT_NAME}"

  ; Only what the installer put there; RMDir without /r keeps a folder that holds anything else.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\kaohe.exe"
  Delete "$INSTDIR\kaohe-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegValue HKCU "${SETTINGS_KEY}" "InstallDir"
  ; The data folder and the program's own settings stay.
  MessageBox MB_ICONINFORMATION|MB_OK "程序已卸载。考核数据仍保存在：$\r$\n${DATA_DIR}$\r$\n如确实不再需要，可手动删除该文件夹。" /SD IDOK
SectionEnd
