package dev.playground.e2e.bench;

import com.sun.tools.attach.VirtualMachine;
import java.util.Arrays;
import javax.management.ObjectName;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Runs inside a service's container, on its JRE (which has no jcmd): attaches to the service's JVM and runs a
 * diagnostic command there through the DiagnosticCommand MBean, e.g. {@code jfrStart name=bench settings=profile}.
 * Public APIs only (attach, JMX). Usage: {@code java -cp DIR dev.playground.e2e.bench.JfrControl PID OPERATION ARG...}.
 */
public final class JfrControl {

    private JfrControl() {
    }

    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            String address = vm.startLocalManagementAgent();
            try (var connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                Object out = connector.getMBeanServerConnection().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), args[1],
                        new Object[] {Arrays.copyOfRange(args, 2, args.length)}, new String[] {String[].class.getName()});
                System.out.println(out);
            }
        } finally {
            vm.detach();
        }
    }
}
