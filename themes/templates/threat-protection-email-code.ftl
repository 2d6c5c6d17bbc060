<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true displayInfo=false; section>
    <#if section = "header">
        ${msg("threatProtectionEmailCodeTitle")}
    <#elseif section = "form">
        <p id="threat-protection-email-code-instruction">${msg("threatProtectionEmailCodeInstruction", threatProtectionEmailCode.validityMinutes)}</p>
        <form id="kc-email-code-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div class="${properties.kcFormGroupClass!}">
                <label for="code" class="${properties.kcLabelClass!}">${msg("threatProtectionEmailCodeLabel")}</label>
                <input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9 ]*" maxlength="7"
                       autocomplete="one-time-code" autofocus class="${properties.kcInputClass!}"
                       aria-invalid="<#if messagesPerField.existsError('code')>true</#if>"/>
                <#if messagesPerField.existsError('code')>
                    <span id="input-error-code" class="${properties.kcInputErrorMessageClass!}" aria-live="polite">
                        ${kcSanitize(messagesPerField.get('code'))?no_esc}
                    </span>
                </#if>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <input id="kc-email-code-submit" type="submit" name="login" value="${msg("doLogIn")}"
                       class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"/>
            </div>
        </form>
        <#if (threatProtectionEmailCode.resendsLeft > 0)>
            <form id="kc-email-code-resend-form" action="${url.loginAction}" method="post">
                <input id="kc-email-code-resend" type="submit" name="resend" value="${msg("threatProtectionEmailCodeResend")}"
                       class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonBlockClass!}"/>
            </form>
        </#if>
    </#if>
</@layout.registrationLayout>
